/**
 * Partner webhooks through the whole stack (a real Temporal dev server, PostgreSQL, the worker and
 * the API; WEBHOOK_ALLOW_INSECURE, as in development): a partner sets its webhook on the portal's
 * Settings page over plain HTTP with its session and CSRF token, and the README's receiver, taken
 * from the README and run as it stands, verifies a real delivery of a real request with the
 * `standardwebhooks` package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../dev/processes';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
let stack: TestStack;
let call: ReturnType<typeof api>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { WEBHOOK_ALLOW_INSECURE: 'true' } });
  call = api(stack);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill();
  await stack?.stop();
}, 60_000);

/** The receiver the README shows: its only ```js block under "## Webhooks". */
function readmeReceiver(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Webhooks'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no receiver under "## Webhooks"');
  return code;
}

interface RunningReceiver {
  url: string;
  /** The lines it printed: `<webhook-id> <type> <request id>`. */
  lines: string[];
  waitForLines(count: number): Promise<string[]>;
}

/** Runs the README's receiver as it stands (under var/, so that it finds the project's packages). */
async function runReadmeReceiver(secret: string, port: number): Promise<RunningReceiver> {
  const code = readmeReceiver();
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(14);
  const dir = path.join(ROOT, 'var');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `readme-receiver-${crypto.randomUUID()}.mjs`);
  fs.writeFileSync(file, code);
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port), LICENSE_REQUESTS_WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  child.on('exit', () => fs.rmSync(file, { force: true }));
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  const url = `http://127.0.0.1:${port}/license-requests`;
  for (let i = 0; ; i++) {
    const up = await fetch(url, { method: 'POST', body: '{}' }).then(
      (r) => r.status,
      () => 0,
    );
    if (up === 400) break; // listening, and it refuses an unsigned call
    if (i > 100) throw new Error('the README receiver did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    lines,
    async waitForLines(count) {
      for (let i = 0; i < 300 && lines.length < count; i++) await new Promise((r) => setTimeout(r, 100));
      if (lines.length < count) throw new Error(`the receiver printed ${lines.length} lines, not ${count}`);
      return lines.slice(0, count);
    },
  };
}

/** A browser's view of the portal over plain HTTP, signed in as `email`: its session cookie and the page's CSRF token. */
/** A new partner in English; its notification address (`<id>@hooks.test`) is its first admin. */
async function newPartner(name: string): Promise<{ id: string; apiKey: string; admin: string }> {
  const id = `hooks-${crypto.randomUUID().slice(0, 8)}`;
  const created = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id, name, notificationEmail: `${id}@hooks.test`, locale: 'en' },
  });
  expect(created.status).toBe(201);
  return { id, apiKey: created.body.apiKey as string, admin: `${id}@hooks.test` };
}

async function signIn(email: string) {
  const base = new URL(stack.apiUrl);
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!, value.join('='));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  async function get(urlPath: string) {
    const res = await fetch(new URL(urlPath, base), { headers: { cookie: cookie() }, redirect: 'manual' });
    keep(res);
    return { status: res.status, page: await res.text() };
  }
  async function post(urlPath: string, form: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    const res = await fetch(new URL(urlPath, base), {
      method: 'POST',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    keep(res);
    return { status: res.status, location: res.headers.get('location'), page: await res.text() };
  }
  // The address in the form, the link from the mail (it names PUBLIC_URL: this server stands in), its button.
  const signInPage = await get('/portal/sign-in');
  const asked = await post('/portal/sign-in', { email, _csrf: csrfOf(signInPage.page) });
  expect(asked.status).toBe(200);
  const [mail] = await stack.smtp.waitFor((m) => m.to.includes(email) && /sign-in|inloggning/i.test(m.subject));
  const link = /https:\/\/[^/\s]+(\/portal\/sign-in\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
  const linkPage = await get(link);
  const signedIn = await post(link, { _csrf: csrfOf(linkPage.page) });
  expect(signedIn.status).toBe(303);
  return { get, post, csrfOf };
}

test("the portal's Settings set the webhook (secret shown once), list deliveries and redeliver; the README's receiver verifies a real delivery", async () => {
  const partner = await newPartner('Hook Learning');
  const { id } = partner;
  const portal = await signIn(partner.admin);

  const before = await portal.get('/portal/settings');
  expect(before.status).toBe(200);
  expect(before.page).toContain('action="/portal/settings/webhook"');
  expect(before.page).not.toContain('Recent deliveries');

  // Without the page's CSRF token nothing is set.
  const port = await freePort();
  const forged = await portal.post('/portal/settings/webhook', { url: `http://127.0.0.1:${port}/license-requests` });
  expect(forged.status).toBe(403);
  expect((await call('GET', '/v1/partner/webhook', { token: partner.apiKey })).status).toBe(404);

  const set = await portal.post('/portal/settings/webhook', {
    url: `http://127.0.0.1:${port}/license-requests`,
    events: ['license_request.created', 'license_request.withdrawn'],
    _csrf: portal.csrfOf(before.page),
  });
  expect(set.status).toBe(200);
  const secret = /<code>(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(set.page)?.[1];
  expect(secret).toBeDefined();
  const receiver = await runReadmeReceiver(secret!, port);

  // A real request: its "created" event reaches the README's receiver, which verifies it.
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId: id,
      organisation: { skolonId: 'org-hooks', name: 'Krokkommunen' },
      schools: [{ skolonId: 'sch-1', name: 'Norra skolan' }],
      contacts: [{ name: 'Anna Andersson', email: 'anna@kommun.test' }],
    },
  });
  expect(created.status).toBe(201);
  const [line] = await receiver.waitForLines(1);
  const [webhookId, type, requestId] = line!.split(' ');
  expect(type).toBe('license_request.created');
  expect(requestId).toBe(created.body.id);

  // A changed body does not verify.
  const tampered = await fetch(receiver.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId!,
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,AAAA',
    },
    body: '{"type":"license_request.created"}',
  });
  expect(tampered.status).toBe(400);

  // The page lists the delivery, and never shows the secret again.
  let settings = await portal.get('/portal/settings');
  for (let i = 0; i < 50 && !settings.page.includes('Delivered'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    settings = await portal.get('/portal/settings');
  }
  expect(settings.page).not.toContain(secret!);
  expect(settings.page).toContain('Recent deliveries');
  expect(settings.page).toMatch(
    /<td><code>license_request\.created<\/code><\/td>[\s\S]*?<td>Delivered<\/td>\s*<td>204<\/td>/,
  );
  const redeliverPath = `/portal/settings/webhook/deliveries/${encodeURIComponent(webhookId!)}/redeliver`;
  expect(settings.page).toContain(`action="${redeliverPath}"`);

  // Redeliver: the same event again, the same webhook-id.
  const again = await portal.post(redeliverPath, { _csrf: portal.csrfOf(settings.page) });
  expect(again.status).toBe(303);
  const [, second] = await receiver.waitForLines(2);
  expect(second).toBe(line);
  expect((await portal.get('/portal/settings')).page).toContain('The event is being sent again.');

  // A URL the rules refuse is said on the page, and nothing changes.
  const refused = await portal.post('/portal/settings/webhook', {
    url: 'ftp://x',
    _csrf: portal.csrfOf(settings.page),
  });
  expect(refused.status).toBe(400);
  expect(refused.page).toContain('id="webhook-error"');
  expect(refused.page).toContain('value="ftp://x"');
  expect((await call('GET', '/v1/partner/webhook', { token: partner.apiKey })).body.url).toBe(
    `http://127.0.0.1:${port}/license-requests`,
  );

  // A new secret is shown once, with the overlap; then the webhook is removed.
  const rotated = await portal.post('/portal/settings/webhook/secret', { _csrf: portal.csrfOf(settings.page) });
  expect(rotated.status).toBe(200);
  expect(rotated.page).toMatch(/<code>whsec_/);
  expect(rotated.page).toContain('24 hours');
  const removed = await portal.post('/portal/settings/webhook/remove', { _csrf: portal.csrfOf(settings.page) });
  expect(removed.status).toBe(303);
  expect((await call('GET', '/v1/partner/webhook', { token: partner.apiKey })).status).toBe(404);
  expect((await portal.get('/portal/settings')).page).not.toContain('Recent deliveries');
}, 120_000);

test("a member sees the partner's webhook and settings but cannot change them: each of those forms is refused (403) and nothing changes", async () => {
  const { id, apiKey: key, admin } = await newPartner('Member Learning');
  const url = 'https://hooks.member-learning.test/license-requests';
  expect((await call('PUT', '/v1/partner/webhook', { token: key, body: { url } })).status).toBe(200);
  const member = `bo-${id}@hooks.test`;
  const added = await call('POST', '/v1/partner/users', {
    token: key,
    body: { email: member, name: 'Bo Member', role: 'member' },
  });
  expect(added.status).toBe(201);
  const portal = await signIn(member);

  const settings = await portal.get('/portal/settings');
  expect(settings.status).toBe(200);
  expect(settings.page).toContain(url);
  expect(settings.page).not.toContain('action="/portal/settings/webhook"');
  const csrf = { _csrf: portal.csrfOf(settings.page) };
  const webhookBefore = (await call('GET', '/v1/partner/webhook', { token: key })).body;
  const settingsBefore = (await call('GET', '/v1/partner/settings', { token: key })).body;

  // The forms an admin has, sent anyway (a stale page, or made by hand), each with a valid token.
  const attempts: Array<[string, Record<string, string>]> = [
    ['/portal/settings/webhook', { url: 'https://elsewhere.test/hooks' }],
    ['/portal/settings/webhook/secret', {}],
    ['/portal/settings/webhook/remove', {}],
    ['/portal/settings', { notificationEmail: 'someone@elsewhere.test', locale: 'sv' }],
    ['/portal/settings/people', { email: `cilla-${id}@hooks.test`, name: 'Cilla', role: 'admin' }],
  ];
  for (const [action, form] of attempts) {
    const refused = await portal.post(action, { ...form, ...csrf });
    expect({ action, status: refused.status }).toEqual({ action, status: 403 });
    expect(refused.page).toContain('Only an admin of your organisation can change this. Nothing was changed.');
    expect(refused.page).not.toMatch(/whsec_/);
  }
  expect((await call('GET', '/v1/partner/webhook', { token: key })).body).toEqual(webhookBefore);
  expect((await call('GET', '/v1/partner/settings', { token: key })).body).toEqual(settingsBefore);
  const people = (await call('GET', '/v1/partner/users', { token: key })).body.items as Array<{ email: string }>;
  expect(people.map((p) => p.email).sort()).toEqual([admin, member].sort());
}, 120_000);

test("the API redelivers one of the partner's deliveries, and answers 404 for anyone else's", async () => {
  const { apiKey: token } = await newPartner('Other Learning');
  expect((await call('POST', '/v1/partner/webhook/deliveries/msg_nothing/redeliver', { token, body: {} })).status).toBe(
    404,
  );
  expect(
    (await call('POST', '/v1/partner/webhook/deliveries/msg_nothing/redeliver', { token: ADMIN_TOKEN, body: {} }))
      .status,
  ).toBe(403);
});
