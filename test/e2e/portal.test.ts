/**
 * The partner portal in a real browser (Debian's Chromium through playwright-core) against the
 * whole stack: a real Temporal dev server, PostgreSQL and an SMTP listener. Everything the help
 * article asks of a partner is done by clicking: sign in, read the summary and the table, answer YES
 * for some schools or NO, assign, see COMPLETED; and what a partner must never meet: another site's
 * forms acting for them, their key in a URL or the page, a stack trace.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../dev/webhook-receiver';
import type { Locale } from '../../domain/locale';
import { createLogger } from '../../observability/logger';
import {
  assignmentDeadlineDateOracle,
  calendarDaysAfter,
  longDateOracle,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  workingDaysBetweenOracle,
} from '../helpers/calendar-oracle';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const screenshot = (name: string) => path.join(ROOT, 'docs/images', `portal-${name}.png`);

/** Desired availability dates months after the run date (the API refuses one before today). */
const DESIRED = calendarDaysAfter(new Date(), 200);
const LATER = calendarDaysAfter(DESIRED, 43);
let stack: TestStack;
let call: ReturnType<typeof api>;
let browser: Browser;
/** The partners' own system: a real receiver on loopback (which WEBHOOK_ALLOW_INSECURE lets the stack deliver to). */
let receiver: WebhookReceiver;
const contexts: BrowserContext[] = [];

/** The API's JSON log lines, to show that no key or session token reaches them. */
const logLines: string[] = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  [stack, receiver] = await Promise.all([
    startStack({
      logger: createLogger({ service: 'api', level: 'info', destination }),
      env: { WEBHOOK_ALLOW_INSECURE: 'true' },
    }),
    startWebhookReceiver(),
  ]);
  call = api(stack);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
}, 60_000);

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

const portal = (p = '/portal/') => `${stack.apiUrl}${p}`;

async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  contexts.push(context);
  return context;
}

async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  return (await newContext(options)).newPage();
}

interface TestPartner {
  id: string;
  /** For the API calls that set the scene (integrations keep their keys). */
  apiKey: string;
  name: string;
  /** The person who signs in: the partner's first admin, its notification address. */
  email: string;
}

async function newPartner(options: { locale?: Locale; name?: string } = {}): Promise<TestPartner> {
  const id = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const name = options.name ?? 'Acme Learning';
  const created = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id, name, notificationEmail: `${id}@partner.test`, ...(options.locale && { locale: options.locale }) },
  });
  expect(created.status).toBe(201);
  return { id, apiKey: created.body.apiKey, name, email: `${id}@partner.test` };
}

/** A colleague the partner adds through the API, who signs in as themselves. */
async function newColleague(partner: TestPartner, name: string): Promise<TestPartner> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}-${partner.id}@partner.test`;
  const added = await call('POST', '/v1/partner/users', {
    token: partner.apiKey,
    body: { email, name, role: 'member' },
  });
  expect(added.status).toBe(201);
  return { ...partner, email };
}

const SCHOOLS = [
  { skolonId: 'sch-1', name: 'Norra skolan' },
  { skolonId: 'sch-2', name: 'Södra skolan' },
  { skolonId: 'sch-3', name: 'Östra skolan' },
];

async function newRequest(
  partner: TestPartner,
  options: { organisation?: string; schools?: typeof SCHOOLS; desiredAvailability?: string } = {},
): Promise<{ id: string; organisation: string; contact: string }> {
  const tag = crypto.randomBytes(4).toString('hex');
  const organisation = options.organisation ?? `Kommun ${tag}`;
  const contact = `anna-${tag}@kommun.test`;
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId: partner.id,
      organisation: { skolonId: `org-${tag}`, name: organisation },
      schools: options.schools ?? SCHOOLS,
      ...(options.desiredAvailability && { desiredAvailability: options.desiredAvailability }),
      contacts: [{ name: 'Anna Andersson', email: contact }],
    },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, organisation, contact };
}

async function requestOf(partner: TestPartner, id: string) {
  const got = await call('GET', `/v1/license-requests/${id}`, { token: partner.apiKey });
  expect(got.status).toBe(200);
  return got.body;
}

/** Sign-in mails each address has had, to wait for the next one. */
const signInMails = new Map<string, number>();

/**
 * The link of the next sign-in mail to `email`, pointed at the test's server (the mail names
 * PUBLIC_URL). The per-address limit on links is lifted first: the tests sign in far more often
 * than a person does (it has tests of its own, in portal/sign-in.test.ts).
 */
async function nextSignInLink(email: string, ask: () => Promise<void>): Promise<string> {
  await sql`delete from rate_limit where key like 'portal-sign-in%'`.execute(stack.database.db);
  const count = (signInMails.get(email) ?? 0) + 1;
  signInMails.set(email, count);
  await ask();
  const mails = await stack.smtp.waitFor((m) => m.to.includes(email) && /sign-in|inloggning/i.test(m.subject), count);
  const link = /https:\/\/licenses\.skolon\.test(\/portal\/sign-in\/[A-Za-z0-9_-]+\?lang=\w+)/.exec(
    mails[count - 1]!.text,
  );
  expect(link).not.toBeNull();
  return portal(link![1]);
}

/** Signs in the way a person does: the address in the form (Swedish before sign-in), the link from the mail, its button. */
async function signIn(page: Page, partner: Pick<TestPartner, 'email'>): Promise<void> {
  const link = await nextSignInLink(partner.email, async () => {
    await page.goto(portal('/portal/sign-in'));
    await page.getByLabel('E-postadress').fill(partner.email);
    await page.getByRole('button', { name: 'Skicka inloggningslänk' }).click();
    await page.getByRole('heading', { name: 'Titta i er inkorg' }).waitFor();
  });
  await page.goto(link);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.getByRole('heading', { level: 1, name: /Licensförfrågningar|License requests/ }).waitFor();
}

/** Every visible form control has a label a screen reader announces. */
async function expectEveryControlLabelled(page: Page): Promise<void> {
  // (Runs in the page; the tests are typed without the DOM library.)
  const unlabelled: string[] = await page.evaluate(() =>
    [...(globalThis as any).document.querySelectorAll('input, select, textarea')]
      .filter((el: any) => el.type !== 'hidden' && !el.closest('[hidden]'))
      .filter((el: any) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
      .map((el: any) => el.outerHTML),
  );
  expect(unlabelled).toEqual([]);
}

/** What a partner must never see: a stack trace or an internal error. */
async function expectNoInternals(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)|Error:|internal_error|\{"error"/);
}

async function flashText(page: Page): Promise<string> {
  return page.locator('.flash').first().innerText();
}

test('the sign-in page is Swedish by default, offers English, asks for an e-mail address and answers "check your inbox" whether or not it has an account', async () => {
  const page = await newPage();
  // The portal's address sends a stranger to the sign-in page.
  await page.goto(portal());
  expect(new URL(page.url()).pathname).toBe('/portal/sign-in');
  expect(await page.getAttribute('html', 'lang')).toBe('sv');
  await page.getByRole('heading', { name: 'Logga in' }).waitFor();
  await expectEveryControlLabelled(page);
  // No key field any more: keys are for integrations.
  expect(await page.locator('input[type="password"]').count()).toBe(0);

  // Not an address: a plain sentence (the browser's own check is bypassed to reach the server's).
  await page.locator('form[action="/portal/sign-in"]').evaluate((form: any) => (form.noValidate = true));
  await page.getByLabel('E-postadress').fill('lrk_this-is-not-an-address');
  await page.getByRole('button', { name: 'Skicka inloggningslänk' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('Det är ingen e-postadress');
  await page.goto(portal());
  expect(new URL(page.url()).pathname).toBe('/portal/sign-in');

  await page.getByRole('link', { name: 'English' }).click();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('E-mail address').fill('anna@partner.example');
  await page.screenshot({ path: screenshot('sign-in') });
  await page.getByRole('button', { name: 'Send sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  expect(await page.locator('[data-sign-in-sent]').innerText()).toContain(
    'If anna@partner.example has an account in the Partner portal, a sign-in link is on its way to it.',
  );
  await page.screenshot({ path: screenshot('sign-in-sent') });
});

test('signed in by mail, a partner sees the summary counts and its requests newest first; no key or token is in a URL, page, log or stored session', async () => {
  const partner = await newPartner({ locale: 'en', name: 'Acme Learning' });
  const declined = await newRequest(partner, { organisation: 'Skolonkommunen', desiredAvailability: DESIRED });
  expect(
    (
      await call('POST', `/v1/license-requests/${declined.id}/answer`, {
        token: partner.apiKey,
        body: { response: 'NO' },
      })
    ).status,
  ).toBe(200);
  await newRequest(partner, { organisation: 'Norrby kommun', schools: SCHOOLS.slice(0, 1) });
  const newest = await newRequest(partner, { organisation: 'Söderhavets skolor', desiredAvailability: LATER });

  const context = await newContext();
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  await signIn(page, partner);

  await page.getByText('Licence management / Requests').waitFor();
  expect(await page.locator('[data-summary="answered"]').innerText()).toBe('1');
  expect(await page.locator('[data-summary="not-answered"]').innerText()).toBe('2');
  const headers = await page.locator('table.requests thead th').allInnerTexts();
  expect(headers.slice(0, 4)).toEqual(['Organisation', 'Number of schools', 'Desired availability', 'Response']);
  const rows = page.locator('table.requests tbody tr');
  expect(await rows.count()).toBe(3);
  expect(await rows.nth(0).innerText()).toMatch(new RegExp(`Söderhavets skolor\\s+3\\s+${LATER}\\s+Unanswered`));
  expect(await rows.nth(1).innerText()).toMatch(/Norrby kommun\s+1\s+–\s+Unanswered/);
  expect(await rows.nth(2).innerText()).toMatch(new RegExp(`Skolonkommunen\\s+3\\s+${DESIRED}\\s+NO`));
  expect(await rows.nth(0).getByRole('link').getAttribute('href')).toBe(`/portal/requests/${newest.id}`);
  await expectEveryControlLabelled(page);
  await page.screenshot({ path: screenshot('requests'), fullPage: true });

  // The key never travels in a URL and is nowhere in the page.
  expect(urls.filter((u) => u.includes(partner.apiKey))).toEqual([]);
  expect(await page.content()).not.toContain(partner.apiKey);
  // The session cookie is HttpOnly, SameSite=Strict, limited to /portal, Secure (PUBLIC_URL is https).
  const cookie = (await context.cookies()).find((c) => c.name === 'portal_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/portal', secure: true });
  expect(cookie!.value).not.toContain(partner.apiKey);
  expect(await page.evaluate(() => (globalThis as any).document.cookie)).toBe('');
  // Only a hash of the session token is stored.
  const stored = await stack.database.db
    .selectFrom('portal_session')
    .select(['token_hash', 'expires_at'])
    .where('partner_id', '=', partner.id)
    .execute();
  expect(stored).toHaveLength(1);
  expect(stored[0]!.token_hash).toBe(crypto.createHash('sha256').update(cookie!.value).digest('hex'));
  expect(stored[0]!.expires_at.getTime()).toBeGreaterThan(Date.now() + 7 * 3600_000);
  // The log has the partner's page views, and neither a key, a sign-in link's token nor the session token.
  const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toContainEqual(
    expect.objectContaining({ msg: 'request', method: 'POST', route: '/portal/sign-in/:token', status: 303 }),
  );
  expect(lines).toContainEqual(
    expect.objectContaining({ msg: 'request', route: '/portal/', status: 200, partnerId: partner.id }),
  );
  expect(logLines.join('\n')).not.toContain(partner.apiKey);
  expect(logLines.join('\n')).not.toContain(cookie!.value);
  const linkToken = urls.map((u) => /\/portal\/sign-in\/([A-Za-z0-9_-]{43})/.exec(u)?.[1]).find(Boolean);
  expect(linkToken).toBeDefined();
  expect(logLines.join('\n')).not.toContain(linkToken);
  expect(await page.locator('.who').innerText()).toBe(`Signed in as ${partner.email} (Acme Learning)`);
});

test('answering YES for a subset as oneself: the confirmation says what happens next, the other school holds no licenses, the history names who answered, assigning one school and then the rest ends COMPLETED', async () => {
  const partner = await newPartner({ locale: 'en' });
  const request = await newRequest(partner, { organisation: 'Skolonkommunen', desiredAvailability: DESIRED });
  // A person of the partner's own, who signs in as themselves and is named in the history.
  const anna = await newColleague(partner, 'Anna Andersson');
  const page = await newPage();
  await signIn(page, anna);
  await page.getByRole('link', { name: 'Skolonkommunen' }).click();

  // The request's page: organisation, Skolon ID, schools, contacts, desired date, history.
  await page.getByRole('heading', { level: 1, name: 'Skolonkommunen' }).waitFor();
  const facts = await page.locator('.facts').innerText();
  expect(facts).toContain((await requestOf(partner, request.id)).organisation.skolonId);
  expect(facts).toContain(longDateOracle(DESIRED, 'en'));
  expect(facts).toContain('Awaiting your answer');
  expect(await page.locator('[data-school="sch-3"]').innerText()).toMatch(
    /Östra skolan\s+sch-3\s+Waiting for licenses/,
  );
  expect(await page.locator('.contacts').innerText()).toContain(`Anna Andersson – ${request.contact}`);
  expect(await page.locator('table.history').innerText()).toContain('Request received (3 schools)');
  await expectEveryControlLabelled(page);
  await page.screenshot({ path: screenshot('request'), fullPage: true });

  // YES for two of the three schools; the dialog says what happens next before anything is sent.
  await page.getByLabel(/Östra skolan/).uncheck();
  await page.getByRole('button', { name: 'YES', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  // The desired date is months away: five working days from today, by the oracle's calendar.
  const deadlineDate = assignmentDeadlineDateOracle(new Date(), DESIRED);
  const expectedDeadline = longDateOracle(deadlineDate, 'en');
  const said = await dialog.innerText();
  expect(said).toContain('You answer YES for 2 of 3 schools');
  expect(said).toContain('Östra skolan is marked as holding no licenses.');
  expect(said).toContain(
    `five working days to assign the licenses in Skolon and mark the schools as assigned: by ${expectedDeadline}`,
  );
  expect((await requestOf(partner, request.id)).response).toBe('UNANSWERED');
  await page.screenshot({ path: screenshot('confirm-yes') });
  await dialog.getByRole('button', { name: 'Answer YES' }).click();

  await page
    .getByText(`You answered YES. Assign the licenses and mark the schools as assigned by ${expectedDeadline}.`)
    .waitFor();
  expect(await page.locator('[data-school="sch-3"] [data-assignment]').innerText()).toBe('Holds no licenses');
  const left = workingDaysBetweenOracle(stockholmDateOf(new Date()), deadlineDate);
  expect(left).toBe(5);
  expect(await page.locator('[data-deadline]').innerText()).toBe(`${expectedDeadline} (${left} working days left)`);
  // The history names who answered; the API's history records her address.
  expect(await page.locator('table.history').innerText()).toContain(
    'You answered YES for 2 of 3 schools (by Anna Andersson)',
  );
  let stored = await requestOf(partner, request.id);
  expect(stored).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES' });
  expect(stored.history.find((h: any) => h.event === 'ANSWERED').detail.by).toEqual({
    role: 'partner',
    partnerId: partner.id,
    user: anna.email,
  });
  expect(stored.schools.map((s: any) => s.assignment)).toEqual(['PENDING', 'PENDING', 'NOT_LICENSED']);
  await stack.smtp.waitFor((m) => m.to.includes(request.contact));

  // One school, then the rest in one go; the page shows the progress, then the result.
  expect(await page.getByText('0 of 2 licensed schools assigned').count()).toBe(1);
  await page.getByRole('checkbox', { name: /Norra skolan/ }).check();
  await page.getByRole('button', { name: 'Mark selected schools as assigned' }).click();
  await page.getByText('Marked as assigned: Norra skolan.').waitFor();
  await page.getByText('1 of 2 licensed schools assigned').waitFor();
  expect(await page.locator('[data-school="sch-1"] [data-assignment]').innerText()).toBe('Assigned');
  await expectEveryControlLabelled(page);

  await page.getByRole('button', { name: 'Mark all remaining schools as assigned' }).click();
  await page.getByText('Every licensed school is assigned: the request is completed').waitFor();
  expect(await page.locator('[data-status]').innerText()).toBe('Completed');
  await page.getByText('2 of 2 licensed schools assigned').waitFor();
  expect(await page.locator('[data-result]').innerText()).toContain('The request is completed');
  expect(await page.locator('table.history').innerText()).toContain('Marked as assigned: Södra skolan');
  await page.screenshot({ path: screenshot('completed'), fullPage: true });
  stored = await requestOf(partner, request.id);
  expect(stored.status).toBe('COMPLETED');
  expect(stored.schools.map((s: any) => s.assignment)).toEqual(['ASSIGNED', 'ASSIGNED', 'NOT_LICENSED']);
});

test("a request support extended shows the new deadline, the days left and support's reason; a reopened NO says so and takes an answer again", async () => {
  const partner = await newPartner({ locale: 'en' });
  const request = await newRequest(partner, { organisation: 'Förlängda kommunen', desiredAvailability: DESIRED });
  const yes = await call('POST', `/v1/license-requests/${request.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'YES' },
  });
  const deadlineDate = assignmentDeadlineDateOracle(new Date(yes.body.answeredAt), DESIRED);
  const newDate = nthWorkingDayAfterOracle(deadlineDate, 2);
  const reason = "The school's licenses are being renewed.";
  const extended = await call('POST', `/v1/license-requests/${request.id}/deadline`, {
    token: ADMIN_TOKEN,
    body: { date: newDate, reason },
  });
  expect(extended.status).toBe(200);

  const page = await newPage();
  await signIn(page, partner);
  await page.getByRole('link', { name: 'Förlängda kommunen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Förlängda kommunen' }).waitFor();
  expect(await page.locator('[data-extension]').innerText()).toBe(
    `Skolon support has moved the deadline from ${longDateOracle(deadlineDate, 'en')} to ` +
      `${longDateOracle(newDate, 'en')}.\n\nReason: ${reason}`,
  );
  const left = workingDaysBetweenOracle(stockholmDateOf(new Date()), newDate);
  expect(await page.locator('[data-deadline]').innerText()).toBe(
    `${longDateOracle(newDate, 'en')} (${left} working days left)`,
  );
  expect(await page.locator('table.history').innerText()).toContain(
    `Skolon support moved the assignment deadline to ${longDateOracle(newDate, 'en')}: ${reason}`,
  );
  await page.screenshot({ path: screenshot('extended'), fullPage: true });

  // A NO given by mistake, reopened by support: the page says why, and the answer buttons are back.
  const declined = await newRequest(partner, { organisation: 'Återöppnade kommunen', desiredAvailability: DESIRED });
  await call('POST', `/v1/license-requests/${declined.id}/answer`, { token: partner.apiKey, body: { response: 'NO' } });
  const reopened = await call('POST', `/v1/license-requests/${declined.id}/reopen`, {
    token: ADMIN_TOKEN,
    body: { reason: 'NO on the wrong request' },
  });
  expect(reopened.status).toBe(200);
  await page.goto(portal(`/portal/requests/${declined.id}`));
  const notice = await page.locator('[data-reopened]').innerText();
  expect(notice).toContain(
    `Skolon support reopened this request on ${longDateOracle(stockholmDateOf(new Date()), 'en')}`,
  );
  expect(notice).toContain('Reason: NO on the wrong request');
  expect(await page.locator('[data-status]').innerText()).toBe('Awaiting your answer');
  await page.getByRole('button', { name: 'YES', exact: true }).waitFor();
});

test('answering NO: the confirmation says the organisation is told it holds no licenses; the request is DECLINED and the contacts get the mail', async () => {
  const partner = await newPartner();
  const request = await newRequest(partner);
  const page = await newPage();
  await signIn(page, partner);
  await page.goto(portal(`/portal/requests/${request.id}`));
  await page.getByRole('button', { name: 'NEJ', exact: true }).click();
  const dialog = page.getByRole('dialog');
  expect(await dialog.innerText()).toContain(
    `${request.organisation} får besked om att de inte har några licenser hos er.`,
  );
  // Cancel changes nothing.
  await dialog.getByRole('link', { name: 'Avbryt' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect((await requestOf(partner, request.id)).response).toBe('UNANSWERED');

  await page.getByRole('button', { name: 'NEJ', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Svara NEJ' }).click();
  await page.getByText(`Ni svarade NEJ. ${request.organisation} får besked`).waitFor();
  expect(await page.locator('[data-status]').innerText()).toBe('Besvarad med NEJ');
  expect(await page.getByRole('button', { name: 'JA', exact: true }).count()).toBe(0);
  expect((await requestOf(partner, request.id)).status).toBe('DECLINED');
  await stack.smtp.waitFor((m) => m.to.includes(request.contact));
});

test('a second tab answering a request already answered in the first gets the plain "already answered" sentence, and the first answer stands', async () => {
  const partner = await newPartner({ locale: 'en' });
  const request = await newRequest(partner);
  const context = await newContext();
  const first = await context.newPage();
  await signIn(first, partner);
  const second = await context.newPage();
  await second.goto(portal(`/portal/requests/${request.id}`));
  await first.goto(portal(`/portal/requests/${request.id}`));

  // The second tab has its NO confirmation open when the first tab answers YES.
  await second.getByRole('button', { name: 'NO', exact: true }).click();
  await second.getByRole('dialog').waitFor();
  await first.getByRole('button', { name: 'YES', exact: true }).click();
  await first.getByRole('dialog').getByRole('button', { name: 'Answer YES' }).click();
  await first.getByText('You answered YES.').waitFor();

  await second.getByRole('dialog').getByRole('button', { name: 'Answer NO' }).click();
  await second.locator('.flash-error').waitFor();
  expect(await flashText(second)).toBe(
    'This request has already been answered (YES), perhaps in another tab or by a colleague. Your answer was not recorded.',
  );
  await expectNoInternals(second);
  await second.screenshot({ path: screenshot('already-answered') });
  expect(await requestOf(partner, request.id)).toMatchObject({ response: 'YES', status: 'AWAITING_ASSIGNMENT' });

  // A stale tab that asks for the confirmation only now hears the same before it can send anything.
  const third = await context.newPage();
  await third.goto(portal(`/portal/requests/${request.id}/confirm?response=NO`));
  expect(await third.getByRole('alert').innerText()).toContain('already been answered (YES)');
});

test('without JavaScript, YES for a subset goes through a confirmation page of its own and works', async () => {
  const partner = await newPartner();
  const request = await newRequest(partner);
  const page = await newPage({ javaScriptEnabled: false });
  await signIn(page, partner);
  await page.goto(portal(`/portal/requests/${request.id}`));
  expect(await page.locator('.select-all').isVisible()).toBe(false);
  await page.getByLabel(/Norra skolan/).uncheck();
  await page.getByRole('button', { name: 'JA', exact: true }).click();

  await page.waitForURL(/\/confirm\?/);
  await page.getByRole('heading', { name: 'Bekräfta JA' }).waitFor();
  const text = await page.locator('[data-confirmation]').innerText();
  expect(text).toContain('Ni svarar JA för 2 av 3 skolor');
  expect(text).toContain('Norra skolan markeras som att de inte har några licenser.');
  expect(text).toContain('fem arbetsdagar');
  await page.getByRole('button', { name: 'Svara JA' }).click();

  await page.getByText('Ni svarade JA.').waitFor();
  expect(new URL(page.url()).pathname).toBe(`/portal/requests/${request.id}`);
  const stored = await requestOf(partner, request.id);
  expect(stored).toMatchObject({ response: 'YES', status: 'AWAITING_ASSIGNMENT' });
  expect(stored.schools.map((s: any) => s.assignment)).toEqual(['NOT_LICENSED', 'PENDING', 'PENDING']);

  // Assigning without JavaScript too.
  await page.getByRole('button', { name: 'Markera alla återstående skolor som tilldelade' }).click();
  await page.getByText('Alla skolor med licenser är tilldelade').first().waitFor();
  expect((await requestOf(partner, request.id)).status).toBe('COMPLETED');
});

test('cross-site requests: a POST without the token, with a wrong one, or from another site changes nothing', async () => {
  const partner = await newPartner();
  const request = await newRequest(partner);
  const context = await newContext();
  const page = await context.newPage();
  await signIn(page, partner);
  await page.goto(portal(`/portal/requests/${request.id}/confirm?response=NO`));
  const token = await page.locator('input[name="_csrf"]').first().inputValue();
  const answerUrl = portal(`/portal/requests/${request.id}/answer`);
  // The context's own request client carries the session cookie, like a forged form would.
  const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    context.request.post(answerUrl, { form, headers, maxRedirects: 0 });

  const refusals = [
    await post({ response: 'NO' }),
    await post({ response: 'NO', _csrf: 'x'.repeat(43) }),
    await post({ response: 'NO', _csrf: token }, { Origin: 'https://evil.example' }),
    await post({ response: 'NO', _csrf: token }, { 'Sec-Fetch-Site': 'cross-site' }),
  ];
  for (const refused of refusals) {
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain(
      'Formuläret kom från en annan webbplats eller har gått ut. Ingenting ändrades.',
    );
  }
  expect((await requestOf(partner, request.id)).response).toBe('UNANSWERED');

  // A real page on another site that posts the form by itself as soon as it loads.
  const evil = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<form method="post" action="${answerUrl}"><input name="response" value="NO"></form>
      <script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    const attacked = await context.newPage();
    await attacked.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await attacked.waitForURL((u) => u.toString().startsWith(stack.apiUrl));
    await attacked.waitForLoadState();
    expect(await attacked.locator('body').innerText()).toContain('Ingenting ändrades');
  } finally {
    evil.close();
  }
  expect((await requestOf(partner, request.id)).response).toBe('UNANSWERED');

  // The sign-in form, and a sign-in link's button, are protected the same way.
  const forgedSignIn = await context.request.post(portal('/portal/sign-in'), {
    form: { email: partner.email },
    maxRedirects: 0,
  });
  expect(forgedSignIn.status()).toBe(403);
  const asker = await newPage();
  const link = await nextSignInLink(partner.email, async () => {
    await asker.goto(portal('/portal/sign-in'));
    await asker.getByLabel('E-postadress').fill(partner.email);
    await asker.getByRole('button', { name: 'Skicka inloggningslänk' }).click();
    await asker.getByRole('heading', { name: 'Titta i er inkorg' }).waitFor();
  });
  const forgedLink = await context.request.post(link, { form: {}, maxRedirects: 0 });
  expect(forgedLink.status()).toBe(403);

  // The same POST with the session's token is accepted: the refusals were the token's doing.
  const genuine = await post({ response: 'NO', _csrf: token });
  expect(genuine.status()).toBe(303);
  expect((await requestOf(partner, request.id)).status).toBe('DECLINED');
});

test('language: an English partner reads English; the switch changes the session to Swedish; settings change the language and the notification address, and a bad address is refused', async () => {
  const partner = await newPartner({ locale: 'en' });
  await newRequest(partner, { organisation: 'Skolonkommunen' });
  const page = await newPage();
  await signIn(page, partner);
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await page.getByRole('columnheader', { name: 'Number of schools' }).waitFor();

  await page.getByRole('button', { name: 'Svenska' }).click();
  await page.getByRole('heading', { level: 1, name: 'Licensförfrågningar' }).waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe('sv');
  expect(await page.locator('table.requests thead th').allInnerTexts()).toEqual([
    'Organisation',
    'Antal skolor',
    'Önskad tillgänglighet',
    'Svar',
    'Status',
  ]);
  await page.getByRole('link', { name: 'Skolonkommunen' }).click();
  await page.getByRole('button', { name: 'JA', exact: true }).waitFor();
  await page.getByRole('button', { name: 'NEJ', exact: true }).waitFor();
  // The switch is the session's; the partner's setting (the language of its mail) is unchanged.
  expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body.locale).toBe('en');

  await page.getByRole('link', { name: 'Inställningar' }).click();
  await expectEveryControlLabelled(page);
  await page.getByLabel('E-postadress för aviseringar').fill('licenses@acme.test');
  await page.getByLabel('Språk').selectOption('en');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await page.getByText('Your settings are saved.').waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body).toMatchObject({
    notificationEmail: 'licenses@acme.test',
    locale: 'en',
  });
  await page.screenshot({ path: screenshot('settings') });

  // A bad address: the browser's own check is bypassed to reach the server's.
  await page.locator('form[action="/portal/settings"]').evaluate((form: any) => (form.noValidate = true));
  await page.getByLabel('Notification e-mail address').fill('not an address');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect(await page.getByRole('alert').innerText()).toBe('That is not a valid e-mail address. Nothing was changed.');
  expect(await page.getByLabel('Notification e-mail address').inputValue()).toBe('not an address');
  expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body.notificationEmail).toBe(
    'licenses@acme.test',
  );
});

test("settings: a webhook to the partner's own receiver shows its secret once; the created event arrives signed, is listed as delivered, and Redeliver sends it again", async () => {
  const partner = await newPartner({ locale: 'en' });
  const page = await newPage();
  await signIn(page, partner);
  await page.getByRole('link', { name: 'Settings' }).click();
  const section = page.locator('#webhook');
  const url = `${receiver.origin}/hooks/${partner.id}`;
  await page.getByLabel('Webhook URL (https)').fill(url);
  await page.getByRole('button', { name: 'Save webhook' }).click();
  // The answer to the form that made it shows the secret, this once.
  await page.getByText('Copy it now: it is shown only this once.', { exact: false }).waitFor();
  const secret = await page.locator('#webhook-secret code').innerText();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  // Once: the page again shows the URL, never the secret.
  await page.reload();
  expect(await page.locator('#webhook-secret').count()).toBe(0);
  expect(await page.content()).not.toContain(secret.slice('whsec_'.length));
  expect(await page.getByLabel('Webhook URL (https)').inputValue()).toBe(url);
  await section.getByText('Nothing has been delivered yet.').waitFor();

  // A new request: the receiver gets the created event, signed with the secret the page showed.
  const arrivalsBefore = receiver.received.length;
  const request = await newRequest(partner, { organisation: 'Skolonkommunen' });
  const ours = (r: ReceivedWebhook) => r.path === `/hooks/${partner.id}`;
  const verified = (r: ReceivedWebhook) =>
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: { id: string } };
  const [first] = (await receiver.waitFor(arrivalsBefore + 1, 30_000)).slice(arrivalsBefore).filter(ours);
  expect(verified(first!)).toMatchObject({ type: 'license_request.created', data: { id: request.id } });

  // Listed as delivered (recorded just after the receiver's answer: the page is read until it shows it).
  const row = section.locator('table.deliveries tbody tr');
  const cells = async () => (await row.first().locator('td').allInnerTexts()).map((c) => c.trim());
  for (let i = 0; i < 50 && (await row.count()) === 0; i++) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  expect(await cells()).toEqual([
    'license_request.created',
    expect.any(String),
    'Delivered',
    '204',
    expect.stringMatching(/^\d+ ms$/),
    '1',
    'Redeliver',
  ]);
  await expectEveryControlLabelled(page);

  // Redeliver: the same event again, with the same webhook-id and body, freshly signed.
  await row.first().getByRole('button', { name: 'Redeliver' }).click();
  await page.getByText('The event is being sent again.').waitFor();
  const again = (await receiver.waitFor(arrivalsBefore + 2, 30_000)).slice(arrivalsBefore).filter(ours)[1]!;
  expect(again.headers['webhook-id']).toBe(first!.headers['webhook-id']);
  expect(again.body).toBe(first!.body);
  expect(verified(again).type).toBe('license_request.created');
  for (let i = 0; i < 50 && (await cells())[5] !== '2'; i++) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  expect(await cells()).toEqual(expect.arrayContaining(['Delivered', '204', '2']));
  await section.screenshot({ path: screenshot('webhooks') });
});

test('signing out ends the session for good, an expired session opens nothing, and rotating the API key (for integrations) leaves the people signed in', async () => {
  const partner = await newPartner();
  const context = await newContext();
  const page = await context.newPage();
  await signIn(page, partner);
  const cookie = (await context.cookies()).find((c) => c.name === 'portal_session')!;

  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.getByText('Ni är utloggad.').waitFor();
  await page.goto(portal());
  expect(new URL(page.url()).pathname).toBe('/portal/sign-in');
  // The old cookie, replayed, opens nothing.
  const replay = await newContext();
  await replay.addCookies([{ ...cookie }]);
  const replayed = await replay.newPage();
  await replayed.goto(portal());
  expect(new URL(replayed.url()).pathname).toBe('/portal/sign-in');

  // A session past its expiry opens nothing either.
  await signIn(page, partner);
  await stack.database.db
    .updateTable('portal_session')
    .set({ expires_at: new Date(Date.now() - 60_000) })
    .where('partner_id', '=', partner.id)
    .execute();
  await page.reload();
  expect(new URL(page.url()).pathname).toBe('/portal/sign-in');

  // Two sessions; the key is rotated through the API: it is an integration's, not the people's.
  await signIn(page, partner);
  const other = await newPage();
  await signIn(other, partner);
  const rotated = await call('POST', '/v1/partner/api-key', { token: partner.apiKey });
  expect(rotated.status).toBe(201);
  for (const p of [page, other]) {
    await p.reload();
    expect(new URL(p.url()).pathname).toBe('/portal/');
  }
  partner.apiKey = rotated.body.apiKey;
});

test("an unknown request or another partner's answers with a plain 404 sentence, and a form for it changes nothing", async () => {
  const partner = await newPartner();
  const stranger = await newPartner();
  const theirs = await newRequest(stranger);
  const context = await newContext();
  const page = await context.newPage();
  await signIn(page, partner);

  for (const id of ['no-such-request', theirs.id]) {
    const response = await page.goto(portal(`/portal/requests/${id}`));
    expect(response!.status()).toBe(404);
    expect(await page.getByRole('alert').innerText()).toBe('Förfrågan finns inte, eller hör inte till er.');
    await expectNoInternals(page);
  }
  const response = await page.goto(portal('/portal/no/such/page'));
  expect(response!.status()).toBe(404);
  expect(await page.getByRole('alert').innerText()).toBe('Sidan finns inte.');

  await page.goto(portal());
  const token = await page.locator('input[name="_csrf"]').first().inputValue();
  const posted = await context.request.post(portal(`/portal/requests/${theirs.id}/answer`), {
    form: { _csrf: token, response: 'NO' },
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(404);
  expect((await requestOf(stranger, theirs.id)).response).toBe('UNANSWERED');
});

test('the list filters by status and pages through many requests', async () => {
  const partner = await newPartner({ locale: 'en' });
  const first = await newRequest(partner, { organisation: 'The oldest one', schools: SCHOOLS.slice(0, 1) });
  await call('POST', `/v1/license-requests/${first.id}/answer`, { token: partner.apiKey, body: { response: 'NO' } });
  for (let i = 0; i < 20; i++) await newRequest(partner, { schools: SCHOOLS.slice(0, 1) });
  const page = await newPage();
  await signIn(page, partner);
  expect(await page.locator('table.requests tbody tr').count()).toBe(20);
  expect(await page.getByText('The oldest one').count()).toBe(0);
  await page.getByRole('link', { name: 'Next page' }).click();
  expect(await page.locator('table.requests tbody tr').count()).toBe(1);
  await page.getByText('The oldest one').waitFor();
  await page.getByRole('link', { name: 'First page' }).waitFor();

  await page.getByLabel('Status').selectOption('DECLINED');
  await page.getByRole('button', { name: 'Show' }).click();
  expect(await page.locator('table.requests tbody tr').count()).toBe(1);
  expect(await page.locator('table.requests tbody tr').innerText()).toContain('The oldest one');
  expect(await page.locator('[data-summary="not-answered"]').innerText()).toBe('20');
});

test('on a phone-sized screen the pages fit without sideways scrolling, and a partner can answer with the keyboard alone', async () => {
  const partner = await newPartner();
  const request = await newRequest(partner, { organisation: 'Skolonkommunen', desiredAvailability: DESIRED });
  await newRequest(partner, { organisation: 'Norrby kommun', schools: SCHOOLS.slice(0, 1) });
  const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const fits = () =>
    page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth);
  const focused = () =>
    page.evaluate(() => {
      const active = (globalThis as any).document.activeElement;
      return { id: active?.id as string | undefined, text: active?.textContent?.trim() as string | undefined };
    });

  // Keyboard only: Tab to the address field, type, Enter; in the link's page, Tab to its button, Enter.
  const link = await nextSignInLink(partner.email, async () => {
    await page.goto(portal('/portal/sign-in'));
    for (let i = 0; i < 10 && (await focused()).id !== 'email'; i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type(partner.email);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Titta i er inkorg' }).waitFor();
    expect(await fits()).toBe(true);
  });
  await page.goto(link);
  for (let i = 0; i < 10 && (await focused()).text !== 'Logga in'; i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Licensförfrågningar' }).waitFor();
  expect(await fits()).toBe(true);
  await page.screenshot({ path: screenshot('phone'), fullPage: true });

  await page.goto(portal(`/portal/requests/${request.id}`));
  expect(await fits()).toBe(true);
  await page.screenshot({ path: screenshot('phone-request'), fullPage: true });
  for (let i = 0; i < 40 && (await focused()).text !== 'JA'; i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  expect((await focused()).text).toBe('Svara JA');
  await page.keyboard.press('Enter');
  await page.getByText('Ni svarade JA.').waitFor();
  expect((await requestOf(partner, request.id)).response).toBe('YES');
});

test('bad input of every kind gets a plain page or a sentence and changes nothing; never a 500', async () => {
  const partner = await newPartner({ locale: 'en' });
  const request = await newRequest(partner);
  // Signed in over plain HTTP, the way a script (or an attacker with a session) would poke at it.
  const link = await nextSignInLink(partner.email, async () => {
    const signInPage = await fetch(portal('/portal/sign-in'));
    const signInCookie = signInPage.headers.getSetCookie()[0]!.split(';')[0]!;
    const asked = await fetch(portal('/portal/sign-in'), {
      method: 'POST',
      headers: { cookie: signInCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: decodeURIComponent(signInCookie.split('=')[1]!), email: partner.email }),
    });
    expect(asked.status).toBe(200);
  });
  const linkPage = await fetch(link);
  const linkCookie = linkPage.headers.getSetCookie()[0]!.split(';')[0]!;
  const signed = await fetch(link, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: linkCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: decodeURIComponent(linkCookie.split('=')[1]!) }),
  });
  expect(signed.status).toBe(303);
  const cookie = signed.headers
    .getSetCookie()
    .find((c) => c.startsWith('portal_session='))!
    .split(';')[0]!;
  const page = await (await fetch(portal(), { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  const get = (p: string) => fetch(portal(p), { headers: { cookie }, redirect: 'manual' });
  const post = (p: string, body: string, type = 'application/x-www-form-urlencoded') =>
    fetch(portal(p), { method: 'POST', headers: { cookie, 'content-type': type }, body, redirect: 'manual' });
  const form = (fields: Record<string, string | string[]>) => {
    const params = new URLSearchParams({ _csrf: csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one);
    return params.toString();
  };
  const answer = `/portal/requests/${request.id}/answer`;

  const expectPlainHtml = async (response: Response) => {
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toMatch(/\bat .+:\d+:\d+|internal_error|\{"error"/);
    if (response.status !== 303) expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  };

  // Pages: a plain page with a status that says what kind of problem it is.
  const pages: Array<[string, number]> = [
    ['/portal/?status=NOPE', 400],
    ['/portal/?cursor=not-a-cursor', 400],
    ['/portal/?status=AWAITING_ANSWER&status=DECLINED&lang[]=x', 200],
    ['/portal/requests/%00%01', 400],
    [`/portal/requests/${'x'.repeat(500)}`, 400],
    [`/portal/requests/${request.id}/confirm?response=MAYBE`, 400],
    [`/portal/requests/${request.id}/confirm?response=YES`, 400],
    ['/portal/static/../router.ts', 404],
  ];
  for (const [p, status] of pages) {
    const response = await get(p);
    expect({ p, status: response.status }).toEqual({ p, status });
    await expectPlainHtml(response);
  }

  // Forms the API's rules refuse: back to the request with a sentence saying so.
  const refused: Array<[string, string, string]> = [
    [answer, form({ response: 'MAYBE' }), 'The form could not be used. Nothing was changed'],
    [
      answer,
      form({ response: 'YES', schools: ['sch-1', 'sch-404'] }),
      'One of the schools is not part of this request',
    ],
    [answer, form({ response: 'YES', schools: ['sch-1', 'sch-1'] }), 'One of the schools is not part of this request'],
    [answer, form({ response: 'NO', schools: 'sch-1' }), 'The form could not be used. Nothing was changed'],
    [`/portal/requests/${request.id}/assignments`, form({ schools: 'sch-1' }), 'Answer YES to the request before'],
    [`/portal/requests/${request.id}/assignments`, form({}), 'Choose at least one school. Nothing was changed.'],
  ];
  for (const [p, body, sentence] of refused) {
    const response = await post(p, body);
    expect({ body: body.slice(0, 80), status: response.status }).toEqual({ body: body.slice(0, 80), status: 303 });
    await expectPlainHtml(response);
    expect(await (await get(response.headers.get('location')!)).text()).toContain(sentence);
  }

  // What cannot even be read: too large, too many fields, not a form.
  const unreadable = [
    await post(answer, `${form({ response: 'YES' })}&${'x=1&'.repeat(3500)}`),
    await post(answer, form({ response: 'YES', pad: 'x'.repeat(1_100_000) })),
    await post(answer, JSON.stringify({ _csrf: csrf, response: 'YES' }), 'application/json'),
  ];
  expect(unreadable.map((r) => r.status)).toEqual([413, 413, 403]);
  for (const r of unreadable) await expectPlainHtml(r);

  // Settings that are not settings; a language switch that would leave the portal.
  const settings = await post('/portal/settings', form({ notificationEmail: 'x@y.z\u0000', locale: 'de' }));
  expect(settings.status).toBe(400);
  expect(await settings.text()).toContain('That is not a valid e-mail address. Nothing was changed.');
  const language = await post('/portal/language', form({ locale: 'xx', return: 'https://evil.example/' }));
  expect(language.headers.get('location')).toBe('/portal/');

  expect(await requestOf(partner, request.id)).toMatchObject({ status: 'AWAITING_ANSWER', response: 'UNANSWERED' });
  expect((await call('GET', '/v1/partner/settings', { token: partner.apiKey })).body).toMatchObject({
    locale: 'en',
    notificationEmail: `${partner.id}@partner.test`,
  });
});

// Last: it uses up this address's allowance of sign-in requests.
test('requests for sign-in links are limited per client address: after 19 in ten minutes they wait, with Retry-After', async () => {
  await sql`delete from rate_limit where key like 'portal-sign-in%'`.execute(stack.database.db);
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(portal('/portal/sign-in'));
  const token = await page.locator('input[name="_csrf"]').inputValue();
  const attempt = (email: string) =>
    context.request.post(portal('/portal/sign-in'), { form: { _csrf: token, email }, maxRedirects: 0 });
  let status = 0;
  for (let i = 0; i < 25 && status !== 429; i++) status = (await attempt(`guess-${i}@partner.test`)).status();
  expect(status).toBe(429);
  const refused = await attempt('guess-once-more@partner.test');
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
  expect(await refused.text()).toContain('För många');
});
