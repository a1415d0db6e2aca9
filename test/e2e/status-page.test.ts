/**
 * The organisation's status page in a real browser (Debian's Chromium through playwright-core)
 * against the whole stack: a real Temporal dev server, PostgreSQL and an SMTP listener. A contact
 * follows the link in the mail they got when the partner said YES, and reads the organisation, the
 * partner, the status, the deadline, every school and the history; never the contacts' addresses
 * or anything of the partner's own. English is one click away; a wrong token is a plain 404 page.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { assignmentDeadlineDateOracle, calendarDaysAfter, longDateOracle } from '../helpers/calendar-oracle';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
/** Months after the run date, so that the five working days decide the deadline. */
const DESIRED = calendarDaysAfter(new Date(), 200);
const SCHOOLS = [
  { skolonId: 'sch-1', name: 'Norra skolan' },
  { skolonId: 'sch-2', name: 'Södra skolan' },
  { skolonId: 'sch-3', name: 'Östra skolan' },
];

let stack: TestStack;
let call: ReturnType<typeof api>;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  stack = await startStack();
  call = api(stack);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
}, 60_000);

test('a contact follows the link in the YES mail: organisation, partner, status, deadline, schools and history, no addresses; English on a click; a wrong token is a plain 404', async () => {
  const tag = crypto.randomBytes(4).toString('hex');
  const partnerId = `partner-${tag}`;
  const partnerEmail = `licenses-${tag}@acme.test`;
  const created = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id: partnerId, name: 'Acme Learning', notificationEmail: partnerEmail },
  });
  expect(created.status).toBe(201);
  const partnerKey: string = created.body.apiKey;
  const organisation = `Skolonkommunen ${tag}`;
  const contacts = [`anna-${tag}@kommun.test`, `bo-${tag}@kommun.test`];

  // The organisation's administrator sends the request; the partner answers YES for two schools
  // and assigns one of them.
  const request = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId,
      organisation: { skolonId: `org-${tag}`, name: organisation },
      schools: SCHOOLS,
      desiredAvailability: DESIRED,
      contacts: [
        { name: 'Anna Andersson', email: contacts[0] },
        { name: 'Bo Berg', email: contacts[1] },
      ],
    },
  });
  expect(request.status).toBe(201);
  const id: string = request.body.id;
  const answered = await call('POST', `/v1/license-requests/${id}/answer`, {
    token: partnerKey,
    body: { response: 'YES', schools: ['sch-1', 'sch-2'] },
  });
  expect(answered.status).toBe(200);
  const assigned = await call('POST', `/v1/license-requests/${id}/assignments`, {
    token: partnerKey,
    body: { schools: ['sch-1'] },
  });
  expect(assigned.status).toBe(200);
  const deadlineDate = assignmentDeadlineDateOracle(new Date(answered.body.answeredAt), DESIRED);

  // The YES mail to the contacts (one mail, both of them) links to the request's status page.
  const [yesMail] = await stack.smtp.waitFor((m) => m.to.includes(contacts[0]!) && m.subject.includes('har licenser'));
  expect([...yesMail!.to].sort()).toEqual([...contacts].sort());
  const link = /^Följ förfrågan: (https:\/\/\S+)$/m.exec(yesMail!.text)?.[1];
  expect(link).toMatch(/^https:\/\/licenses\.skolon\.test\/status\/[A-Za-z0-9_-]{64}$/);
  // The mail's link is on PUBLIC_URL; the test's API listens elsewhere.
  const statusPath = new URL(link!).pathname;

  const page = await context.newPage();
  const response = await page.goto(`${stack.apiUrl}${statusPath}`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');

  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(organisation);
  expect(await page.locator('[data-organisation]').innerText()).toBe(organisation);
  expect(await page.locator('[data-partner]').innerText()).toBe('Acme Learning');
  expect(await page.locator('[data-status]').innerText()).toBe('Licenserna tilldelas');
  expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('AWAITING_ASSIGNMENT');
  expect(await page.locator('[data-deadline]').innerText()).toBe(longDateOracle(deadlineDate, 'sv'));
  expect(await page.locator('[data-explained]').innerText()).toBe(
    `Acme Learning har svarat JA och ska tilldela licenserna i Skolon senast ${longDateOracle(deadlineDate, 'sv')}.`,
  );
  const assignment = (skolonId: string) => page.locator(`[data-school="${skolonId}"] [data-assignment]`).innerText();
  expect([await assignment('sch-1'), await assignment('sch-2'), await assignment('sch-3')]).toEqual([
    'Tilldelad',
    'Väntar på licenser',
    'Har inga licenser',
  ]);
  const history = (await page.locator('table.history tbody tr td:nth-child(2)').allInnerTexts()).map((t) => t.trim());
  expect(history).toEqual([
    'Förfrågan skickades (3 skolor)',
    'Svar JA: licenser för 2 av 3 skolor',
    `Sista dag för tilldelning: ${longDateOracle(deadlineDate, 'sv')}`,
    'Licenser tilldelade: Norra skolan',
  ]);
  // The portal's stylesheet applies (the CSP lets the page load its own CSS and nothing else).
  expect(
    await page
      .locator('.badge')
      .first()
      .evaluate((e) => (globalThis as any).getComputedStyle(e).borderRadius),
  ).not.toBe('0px');

  // Nothing that is not the organisation's to see: no addresses, no partner id or key, no mail log.
  const body = await page.content();
  for (const secret of [...contacts, partnerEmail, partnerId, partnerKey, 'Anna Andersson', 'mailto:', 'E-post']) {
    expect([secret, body.includes(secret)]).toEqual([secret, false]);
  }
  await page.screenshot({ path: path.join(ROOT, 'docs/images/status-page.png'), fullPage: true });

  // English, one click away; the same page.
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/\?lang=en$/);
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('[data-status]').innerText()).toBe('Licenses being assigned');
  expect(await page.locator('[data-deadline]').innerText()).toBe(longDateOracle(deadlineDate, 'en'));
  expect(await assignment('sch-3')).toBe('Holds no licenses');
  expect(await page.locator('table.history').innerText()).toContain('Answer YES: licenses for 2 of 3 schools');
  await page.getByRole('link', { name: 'Svenska' }).click();
  await page.waitForURL(/\?lang=sv$/);
  expect(await page.locator('[data-status]').innerText()).toBe('Licenserna tilldelas');

  // A wrong token (one character changed) is a plain page that says nothing more; so is a made-up one.
  const token = statusPath.split('/').pop()!;
  const wrong = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
  for (const bad of [wrong, 'nothing-here']) {
    const notFound = await page.goto(`${stack.apiUrl}/status/${bad}`);
    expect(notFound?.status()).toBe(404);
    expect(notFound?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sidan finns inte');
    expect((await page.locator('main').innerText()).split(/\n+/)).toEqual([
      'Sidan finns inte',
      'Det finns ingen sida på den här adressen.',
    ]);
  }
});
