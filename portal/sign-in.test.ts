/**
 * Signing in by mail through the real API app (createApp, as the API process builds it) on a real
 * PostgreSQL, with the portal's mail sent through nodemailer to a real SMTP listener. Temporal is
 * not needed by anything here: a client that never connects will do. Each test speaks from a client
 * address of its own (X-Forwarded-For through one trusted proxy), so the per-address throttle of one
 * test does not meet another's.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createPortalMailSender } from '../activities/portal-mail';
import { createSmtpMailer } from '../activities/mailer';
import { createLogger } from '../observability/logger';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../test/helpers/smtp';
import { api } from '../test/helpers/stack';

const ADMIN = 'sign-in-admin-token-at-least-32-characters';
const PUBLIC_URL = 'https://licenses.skolon.test';

let database: TestDatabase;
let smtp: TestSmtpServer;
let server: Server;
let base: string;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  [database, smtp] = await Promise.all([createTestDatabase(), startSmtpServer()]);
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const mailer = createSmtpMailer(smtp.url);
  const app = createApp({
    db: database.db,
    temporal,
    taskQueue: 'x',
    adminToken: ADMIN,
    trustProxy: 1,
    publicUrl: PUBLIC_URL,
    portalMail: createPortalMailSender({
      mailer,
      from: 'Skolon <no-reply@skolon.test>',
      supportEmail: 'support@skolon.test',
      logger: createLogger({ service: 'test', level: 'silent' }),
      retryDelaysMs: [100],
    }),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  call = api({ apiUrl: base });
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
  await Promise.all([database?.drop(), smtp?.close()]);
});

/** A browser's cookies, over plain HTTP, from a client address of its own. */
function browser() {
  const address = `10.${crypto.randomInt(255)}.${crypto.randomInt(255)}.${crypto.randomInt(1, 255)}`;
  const jar = new Map<string, string>();
  async function request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    // A mailed link names PUBLIC_URL: the test's server stands in for it.
    const response = await fetch(`${base}${path.startsWith(PUBLIC_URL) ? path.slice(PUBLIC_URL.length) : path}`, {
      method,
      redirect: 'manual',
      headers: {
        'x-forwarded-for': address,
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form && new URLSearchParams(form).toString(),
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (/max-age=0/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location'), page: await response.text() };
  }
  const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return {
    jar,
    get: (path: string) => request('GET', path),
    post: (path: string, form: Record<string, string>) => request('POST', path, form),
    csrfOf,
    /** Asks for a sign-in link the way the form does. */
    async askForLink(email: string, lang = 'en') {
      const form = await request('GET', `/portal/sign-in?lang=${lang}`);
      return request('POST', '/portal/sign-in', { _csrf: csrfOf(form.page), email, lang });
    },
    /** Opens a mailed link and presses its button. */
    async useLink(link: string) {
      const page = await request('GET', link);
      if (page.status !== 200) return page;
      return request('POST', link, { _csrf: csrfOf(page.page) });
    },
  };
}

async function newPartner(locale: 'sv' | 'en' = 'en') {
  const id = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const created = await call('POST', '/v1/partners', {
    token: ADMIN,
    body: { id, name: `Acme ${id}`, notificationEmail: `Admin-${id}@Partner.test`, locale },
  });
  expect(created.status).toBe(201);
  return { id, name: `Acme ${id}`, key: created.body.apiKey as string, admin: `admin-${id}@partner.test` };
}

const linkIn = (mail: ReceivedMail) => {
  const links = [
    ...mail.text.matchAll(/https:\/\/licenses\.skolon\.test\/portal\/sign-in\/([A-Za-z0-9_-]+)\?lang=(sv|en)/g),
  ];
  expect(links).toHaveLength(1);
  return { url: links[0]![0], token: links[0]![1]! };
};
const mailTo = async (email: string, count = 1) => (await smtp.waitFor((m) => m.to.includes(email), count))[count - 1]!;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the notification address is the first admin; the mailed link signs in once, also in another browser; a second use gets a plain page', async () => {
  const partner = await newPartner();
  const users = await call('GET', '/v1/partner/users', { token: partner.key });
  expect(users.body.items).toEqual([
    { email: partner.admin, name: partner.admin, role: 'admin', createdAt: expect.any(String) },
  ]);

  const asking = browser();
  const sent = await asking.askForLink(partner.admin.toUpperCase());
  expect(sent.status).toBe(200);
  expect(sent.page).toContain('Check your inbox');
  const mail = await mailTo(partner.admin);
  expect(mail.subject).toBe('Your sign-in link to the Skolon Partner portal');
  expect(mail.text).toContain(`Sign in to ${partner.name}`);
  expect(mail.text).toContain('within 15 minutes');
  // In the branded layout too, with the footer's way to support (activities/templates/layout.test.ts looks at it).
  expect(mail.raw).toMatch(/Content-Type: text\/html/i);
  expect(mail.text).toContain('Questions? Contact Skolon support: support@skolon.test');
  const link = linkIn(mail);
  expect(link.token.length).toBeGreaterThanOrEqual(43); // 256 random bits, base64url
  // Only the token's hash is stored.
  const stored = await database.db
    .selectFrom('portal_sign_in_link')
    .selectAll()
    .where('partner_id', '=', partner.id)
    .execute();
  expect(stored).toHaveLength(1);
  expect(stored[0]!.token_hash).toBe(crypto.createHash('sha256').update(link.token).digest('hex'));
  expect(JSON.stringify(stored)).not.toContain(link.token);
  expect(stored[0]!.expires_at.getTime() - stored[0]!.created_at.getTime()).toBeLessThanOrEqual(15 * 60_000 + 1000);

  // Another browser opens it; a mail scanner's GET before it uses nothing.
  const scanner = browser();
  expect((await scanner.get(link.url)).status).toBe(200);
  const other = browser();
  const opened = await other.get(link.url);
  expect(opened.status).toBe(200);
  expect(opened.page).toContain(`Sign in as ${partner.admin} at ${partner.name}.`);
  const signedIn = await other.post(link.url, { _csrf: other.csrfOf(opened.page) });
  expect(signedIn).toMatchObject({ status: 303, location: '/portal/' });
  const home = await other.get('/portal/');
  expect(home.status).toBe(200);
  expect(home.page).toContain(`Signed in as ${partner.admin} (${partner.name})`);

  // Used: the same link, in any browser, gets the plain page that says what to do.
  for (const again of [
    await other.useLink(link.url),
    await scanner.useLink(link.url),
    await asking.useLink(link.url),
  ]) {
    expect(again.status).toBe(410);
    expect(again.page).toContain('This sign-in link cannot be used');
    expect(again.page).toContain('Ask for a new sign-in link');
  }
  expect(asking.jar.has('portal_session')).toBe(false);
});

test('an unknown address gets the same page with the same status, and no mail goes out', async () => {
  const partner = await newPartner();
  const unknown = `nobody-${crypto.randomBytes(4).toString('hex')}@partner.test`;
  const [known, stranger] = [await browser().askForLink(partner.admin), await browser().askForLink(unknown)];
  expect(stranger.status).toBe(known.status);
  expect(stranger.page.replaceAll(unknown, 'ADDRESS')).toBe(known.page.replaceAll(partner.admin, 'ADDRESS'));
  // The known address's mail arrives; by then, and a while after, the stranger's has not.
  await mailTo(partner.admin);
  await pause(500);
  expect(smtp.mails.filter((m) => m.to.includes(unknown))).toEqual([]);
  expect(
    await database.db.selectFrom('portal_sign_in_link').where('email', '=', unknown).selectAll().execute(),
  ).toEqual([]);
});

test('expired, forged and malformed links get the plain page and sign nobody in; an API key no longer opens the portal', async () => {
  const partner = await newPartner('sv');
  const person = browser();
  await person.askForLink(partner.admin, 'sv');
  const { url } = linkIn(await mailTo(partner.admin));
  await database.db
    .updateTable('portal_sign_in_link')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('partner_id', '=', partner.id)
    .execute();
  const forged = `${PUBLIC_URL}/portal/sign-in/${crypto.randomBytes(32).toString('base64url')}`;
  for (const link of [
    url,
    forged,
    `${PUBLIC_URL}/portal/sign-in/x`,
    `${PUBLIC_URL}/portal/sign-in/${'a'.repeat(600)}`,
  ]) {
    const path = new URL(link).pathname;
    const opened = await person.get(path);
    expect({ link, status: opened.status }).toEqual({ link, status: 410 });
    expect(opened.page).toContain('Den här inloggningslänken kan inte användas');
    const form = await person.get('/portal/sign-in?lang=sv');
    const pressed = await person.post(path, { _csrf: person.csrfOf(form.page) });
    expect(pressed.status).toBe(410);
  }
  expect(person.jar.has('portal_session')).toBe(false);

  // The old key sign-in: the form has no key field, and a key is not an address.
  const form = await person.get('/portal/sign-in');
  const withKey = await person.post('/portal/sign-in', { _csrf: person.csrfOf(form.page), apiKey: partner.key });
  expect(withKey.status).toBe(400);
  expect(person.jar.has('portal_session')).toBe(false);
  // Nor does a link's button without the form's CSRF token.
  await person.askForLink(partner.admin, 'sv');
  const fresh = linkIn(await mailTo(partner.admin, 2));
  expect((await person.post(new URL(fresh.url).pathname, { _csrf: 'forged' })).status).toBe(403);
  expect((await person.useLink(fresh.url)).status).toBe(303);
});

test('links to one address are limited (then the same page and no mail), and so are requests from one client address', async () => {
  const partner = await newPartner();
  const person = browser();
  for (let i = 0; i < 5; i++) {
    const asked = await person.askForLink(partner.admin);
    expect(asked.status).toBe(200);
    expect(asked.page).toContain('Check your inbox');
  }
  await mailTo(partner.admin, 3);
  await pause(500);
  expect(smtp.mails.filter((m) => m.to.includes(partner.admin))).toHaveLength(3);

  // One client asking for many addresses: after 19 it waits, with Retry-After.
  const flood = browser();
  let last = { status: 0, page: '' };
  for (let i = 0; i < 20 && last.status !== 429; i++) last = await flood.askForLink(`guess-${i}@partner.test`);
  expect(last.status).toBe(429);
  expect(last.page).toContain('Too many');
});

test('an admin adds and removes people; removing a person ends their session at once; the last admin stays', async () => {
  const partner = await newPartner();
  const admin = browser();
  await admin.askForLink(partner.admin);
  expect((await admin.useLink(linkIn(await mailTo(partner.admin)).url)).status).toBe(303);

  // Added in Settings: the new member gets an invitation, and signs in by mail.
  const member = `bo-${partner.id}@partner.test`;
  let settings = await admin.get('/portal/settings');
  const added = await admin.post('/portal/settings/people', {
    _csrf: admin.csrfOf(settings.page),
    name: 'Bo Berg',
    email: member.toUpperCase(),
    role: 'member',
  });
  expect(added.status).toBe(303);
  const invitation = await mailTo(member);
  expect(invitation.subject).toBe(`You can now sign in to the Skolon Partner portal for ${partner.name}`);
  expect(invitation.text).toContain(`Open the portal: ${PUBLIC_URL}/portal/sign-in`);
  expect(invitation.text).toContain(`Invited by: ${partner.admin}`);
  settings = await admin.get('/portal/settings');
  expect(settings.page).toContain(`${member} is added`);
  // Twice: refused with a sentence, nothing changed.
  const twice = await admin.post('/portal/settings/people', {
    _csrf: admin.csrfOf(settings.page),
    name: 'Bo Berg',
    email: member,
    role: 'admin',
  });
  expect(twice.status).toBe(409);
  expect(twice.page).toContain('is already one of your people');

  const colleague = browser();
  await colleague.askForLink(member);
  expect((await colleague.useLink(linkIn(await mailTo(member, 2)).url)).status).toBe(303);
  const page = await colleague.get('/portal/settings');
  expect(page.page).toContain('Signed in as Bo Berg');
  // A member sees the people but cannot remove anyone.
  expect(page.page).not.toContain('action="/portal/settings/people/remove"');
  const refused = await colleague.post('/portal/settings/people/remove', {
    _csrf: colleague.csrfOf(page.page),
    email: partner.admin,
  });
  expect(refused.status).toBe(403);

  // The admin removes the member: the member's very next request is signed out.
  const removed = await admin.post('/portal/settings/people/remove', {
    _csrf: admin.csrfOf((await admin.get('/portal/settings')).page),
    email: member,
  });
  expect(removed.status).toBe(303);
  const after = await colleague.get('/portal/');
  expect(after.status).toBe(303);
  expect(after.location).toMatch(/^\/portal\/sign-in/);
  expect(await database.db.selectFrom('portal_session').where('user_email', '=', member).selectAll().execute()).toEqual(
    [],
  );

  // The last admin cannot be removed, in the portal or through the API.
  const last = await admin.post('/portal/settings/people/remove', {
    _csrf: admin.csrfOf((await admin.get('/portal/settings')).page),
    email: partner.admin,
  });
  expect(last.status).toBe(303);
  expect((await admin.get('/portal/settings')).page).toContain('That is your last admin');
  const viaApi = await call('DELETE', `/v1/partner/users/${encodeURIComponent(partner.admin)}`, { token: partner.key });
  expect(viaApi).toMatchObject({ status: 409, body: { error: { code: 'last_admin' } } });
  expect((await admin.get('/portal/')).status).toBe(200);

  // Through the API: a second admin is added; then the first can go, and their session ends too.
  const second = await call('POST', '/v1/partner/users', {
    token: partner.key,
    body: { email: `cilla-${partner.id}@partner.test`, name: 'Cilla', role: 'admin' },
  });
  expect(second.status).toBe(201);
  const gone = await call('DELETE', `/v1/partner/users/${encodeURIComponent(partner.admin.toUpperCase())}`, {
    token: partner.key,
  });
  expect(gone.status).toBe(204);
  expect((await admin.get('/portal/')).status).toBe(303);
  expect(
    (await call('DELETE', `/v1/partner/users/${encodeURIComponent(partner.admin)}`, { token: partner.key })).status,
  ).toBe(404);
});
