/**
 * Answering from the mail on the real stack (Temporal dev server, worker, PostgreSQL, the API) with
 * the real SMTP listener: the partner's "new request" mail carries YES and NO links; opening one
 * changes nothing, its confirmation answers once, and every link that cannot answer (used, forged,
 * expired, answered another way, another request's) gets a plain page and changes nothing.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { chromium, type Browser } from 'playwright-core';
import { answerLinkFormToken } from '../../portal/answer-link';
import { calendarDaysAfter } from '../helpers/calendar-oracle';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

jest.setTimeout(120_000);

const PUBLIC_URL = 'https://licenses.skolon.test';
const LINK = /https:\/\/licenses\.skolon\.test\/portal\/answer\/[A-Za-z0-9_-]{43}/g;

let stack: TestStack;
let call: ReturnType<typeof api>;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  call = api(stack);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 60_000);

const local = (url: string) => `${stack.apiUrl}${url.slice(PUBLIC_URL.length)}`;

/** A partner of its own (English, so the sentences below are English). */
async function newPartner() {
  const tag = crypto.randomBytes(4).toString('hex');
  const email = `licenses-${tag}@acme.test`;
  const created = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id: `partner-${tag}`, name: 'Acme Learning', notificationEmail: email, locale: 'en' },
  });
  expect(created.status).toBe(201);
  return { id: `partner-${tag}`, email, key: created.body.apiKey as string, tag };
}

/** A request to the partner, and the YES and NO links of the mail that told the partner about it. */
async function newRequest(partner: Awaited<ReturnType<typeof newPartner>>) {
  const organisation = `Skolonkommunen ${crypto.randomBytes(4).toString('hex')}`;
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId: partner.id,
      organisation: { skolonId: `org-${partner.tag}`, name: organisation },
      schools: [
        { skolonId: 'sch-1', name: 'Norra skolan' },
        { skolonId: 'sch-2', name: 'Södra skolan' },
      ],
      desiredAvailability: calendarDaysAfter(new Date(), 200),
      contacts: [{ name: 'Anna Andersson', email: `anna-${partner.tag}@kommun.test` }],
    },
  });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const [mail] = await stack.smtp.waitFor((m) => m.to.includes(partner.email) && m.text.includes(organisation));
  const [yes, no] = mail!.text.match(LINK) ?? [];
  expect(yes && no).toBeTruthy();
  return { id, organisation, yes: local(yes!), no: local(no!), mail: mail! };
}

const requestOf = async (id: string) => (await call('GET', `/v1/license-requests/${id}`, { token: ADMIN_TOKEN })).body;

async function get(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

async function post(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, html: await response.text() };
}

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';

test('opening a link changes nothing; its confirmation answers once, recorded as the mail link to that address; the mail keeps only hashes', async () => {
  const partner = await newPartner();
  const { id, yes, no, mail } = await newRequest(partner);
  expect(mail.text).toContain('YES, they hold licenses');

  // Mail scanners fetch links: a GET, however often, answers nothing.
  const page = await get(yes);
  await get(yes);
  expect(page.status).toBe(200);
  expect(page.html).toContain('Confirm YES');
  expect(page.html).toContain(`the link in the mail to ${partner.email}`);
  expect(page.headers.get('content-security-policy')).toBeTruthy();
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  expect(page.headers.get('cache-control')).toContain('no-store');
  expect((await requestOf(id)).status).toBe('AWAITING_ANSWER');

  // Stored: the seed and the tokens' hashes, never a token.
  const rows = await sql`select * from answer_link where request_id = ${id}`.execute(stack.database.db);
  expect(rows.rows).toHaveLength(1);
  const stored = JSON.stringify(rows.rows);
  for (const link of [yes, no]) expect(stored).not.toContain(link.split('/').pop()!);

  // Without the form's token, or from another site: refused, nothing changes.
  expect((await post(yes, {})).status).toBe(403);
  const crossSite = await fetch(yes, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.test' },
    body: new URLSearchParams({ _csrf: csrfOf(page.html) }).toString(),
  });
  expect(crossSite.status).toBe(403);
  expect((await requestOf(id)).status).toBe('AWAITING_ANSWER');

  const answered = await post(yes, { _csrf: csrfOf(page.html) });
  expect(answered.status).toBe(200);
  expect(answered.html).toContain('You answered YES');
  const after = await requestOf(id);
  expect(after.status).toBe('AWAITING_ASSIGNMENT');
  const answer = after.history.find((h: { event: string }) => h.event === 'ANSWERED');
  expect(answer.detail.by).toEqual({ role: 'partner', partnerId: partner.id, via: 'mail-link', to: partner.email });

  // A second use, and the mail's other link: a plain page, nothing changes.
  const again = await post(yes, { _csrf: csrfOf(page.html) });
  expect(again.status).toBe(410);
  expect(again.html).toContain('has been used already');
  expect((await get(no)).status).toBe(410);
  // (The page of a spent link has no form: its token as the confirmation would have carried it.)
  const noPost = await post(no, { _csrf: answerLinkFormToken(no.split('/').pop()!) });
  expect(noPost.status).toBe(410);
  const final = await requestOf(id);
  expect(final.status).toBe('AWAITING_ASSIGNMENT');
  expect(final.history.filter((h: { event: string }) => h.event === 'ANSWERED')).toHaveLength(1);
});

test('a link taken by a use that never answered (its process died) answers again once that use is long past, and only once', async () => {
  const partner = await newPartner();
  const { id, no } = await newRequest(partner);
  const page = await get(no);
  // As a use leaves it when its process dies between taking the link and answering.
  await sql`update answer_link set used_at = now() where request_id = ${id}`.execute(stack.database.db);
  expect((await post(no, { _csrf: csrfOf(page.html) })).status).toBe(410);
  expect((await requestOf(id)).status).toBe('AWAITING_ANSWER');
  // A minute on, that use is certainly over: the link answers.
  await sql`update answer_link set used_at = now() - interval '2 minutes' where request_id = ${id}`.execute(
    stack.database.db,
  );
  const answered = await post(no, { _csrf: csrfOf(page.html) });
  expect(answered.status).toBe(200);
  expect((await requestOf(id)).status).toBe('DECLINED');
  expect((await post(no, { _csrf: csrfOf(page.html) })).status).toBe(410);
  expect((await requestOf(id)).history.filter((h: { event: string }) => h.event === 'ANSWERED')).toHaveLength(1);
});

test('a link answers only its own request; one answered another way, an expired and a forged one get a plain page and change nothing', async () => {
  const partner = await newPartner();
  const first = await newRequest(partner);
  const second = await newRequest(partner);

  // The first mail's NO answers the first request, and leaves the second alone.
  const page = await get(first.no);
  expect((await post(first.no, { _csrf: csrfOf(page.html) })).status).toBe(200);
  expect((await requestOf(first.id)).status).toBe('DECLINED');
  expect((await requestOf(second.id)).status).toBe('AWAITING_ANSWER');
  // The first link's form token does not open the second's.
  expect((await post(second.yes, { _csrf: csrfOf(page.html) })).status).toBe(403);
  expect((await requestOf(second.id)).status).toBe('AWAITING_ANSWER');

  // Answered through the API: the mail's links are dead.
  const byKey = await call('POST', `/v1/license-requests/${second.id}/answer`, {
    token: partner.key,
    body: { response: 'NO' },
  });
  expect(byKey.status).toBe(200);
  const answeredPage = await get(second.yes);
  expect(answeredPage.status).toBe(410);
  expect(answeredPage.html).toContain('answered already');

  // Older than 30 days (the row made so; the rule itself is domain/answer-link.test.ts's).
  const third = await newRequest(partner);
  await sql`update answer_link set expires_at = now() - interval '1 second' where request_id = ${third.id}`.execute(
    stack.database.db,
  );
  const expired = await get(third.yes);
  expect(expired.status).toBe(410);
  expect(expired.html).toContain('older than 30 days');
  expect((await post(third.yes, { _csrf: 'anything' })).status).toBe(403);
  expect((await requestOf(third.id)).status).toBe('AWAITING_ANSWER');

  // Forged and mangled: a plain 404 page, never an error.
  for (const forged of [
    `${stack.apiUrl}/portal/answer/${crypto.randomBytes(32).toString('base64url')}`,
    `${third.yes.slice(0, -1)}`,
    `${stack.apiUrl}/portal/answer/%E0%A4%A`,
  ]) {
    const response = await get(forged);
    expect(response.status).toBeLessThan(500);
    expect(response.html).not.toMatch(/at .*\.ts:\d+/);
  }
  expect((await requestOf(third.id)).status).toBe('AWAITING_ANSWER');
});

test('Chromium: the partner opens the mail, clicks YES, confirms, and sees the request awaiting assignment; the history names the mail link and the address', async () => {
  const partner = await newPartner();
  const { id, yes, organisation } = await newRequest(partner);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(yes);
    await page.getByRole('heading', { name: 'Confirm YES' }).waitFor();
    await page.getByText(organisation).first().waitFor();
    await page.getByRole('button', { name: 'Answer YES' }).click();
    await page.getByRole('heading', { name: 'Thank you for your answer' }).waitFor();
    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('AWAITING_ASSIGNMENT');

    // Signed in (a link by mail), the request's history says how the answer came.
    await page.goto(`${stack.apiUrl}/portal/sign-in?lang=en`);
    await page.getByLabel('E-mail address').fill(partner.email);
    await page.getByRole('button', { name: 'Send sign-in link' }).click();
    const [signIn] = await stack.smtp.waitFor((m) => m.to.includes(partner.email) && /sign-in link/i.test(m.subject));
    const signInUrl = signIn!.text.match(/https:\/\/licenses\.skolon\.test\/portal\/sign-in\/[A-Za-z0-9_?=&-]+/)![0];
    await page.goto(local(signInUrl));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${stack.apiUrl}/portal/requests/${id}`);
    await page.getByText(`with the link in the mail to ${partner.email}`).waitFor();
  } finally {
    await context.close();
  }
});
