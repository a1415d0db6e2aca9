/**
 * Mail through outages and refusals, on the real stack: the SMTP listener goes away and comes back,
 * or refuses an address for good. What recipients see: every mail once, none lost, and the
 * request moves on regardless.
 */
import crypto from 'node:crypto';
import { startSmtpServer, type ReceivedMail, type SmtpServerOptions } from '../helpers/smtp';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

const REFUSED = '@refused.test';
/** Addresses greylisted for their first two attempts (450 4.2.0 to RCPT TO). */
const GREYLISTED = 'greylisted-';
const SMTP_OPTIONS: SmtpServerOptions = {
  rejectRecipients: (address) => address.endsWith(REFUSED),
  deferRecipients: (address, attempt) => address.startsWith(GREYLISTED) && attempt <= 2,
};
let stack: TestStack;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startStack({ smtp: SMTP_OPTIONS });
  call = api(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

async function newRequest(notificationEmail: string) {
  const partnerId = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const partner = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id: partnerId, name: 'Acme Learning', notificationEmail, locale: 'en' },
  });
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId,
      organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
      schools: [{ skolonId: 'sch-1', name: 'Norra skolan' }],
      contacts: [{ name: 'Anna', email: `anna-${partnerId}@kommun.test` }],
    },
  });
  expect(created.status).toBe(201);
  return {
    id: created.body.id as string,
    apiKey: partner.body.apiKey as string,
    contact: `anna-${partnerId}@kommun.test`,
  };
}

const about = (requestId: string) => (mail: ReceivedMail) => mail.messageId.includes(requestId);

test('the mail server is away for a while: once it is back every mail arrives, exactly once', async () => {
  const port = Number(new URL(stack.config.mail.smtpUrl!).port);
  await stack.smtp.close();
  const request = await newRequest('partner-outage@partner.test');
  // The API does not wait for mail: the partner can answer while the notification is stuck.
  const yes = await call('POST', `/v1/license-requests/${request.id}/answer`, {
    token: request.apiKey,
    body: { response: 'YES' },
  });
  expect(yes.status).toBe(200);
  await new Promise((r) => setTimeout(r, 3000));
  expect((await call('GET', '/health')).body.mail.waitingOver10Min).toBe(0);

  stack.smtp = await startSmtpServer({ ...SMTP_OPTIONS, port });
  // Retries back off from 5 s: both mails arrive within about half a minute.
  await stack.smtp.waitFor((m) => about(request.id)(m) && m.to.includes(request.contact), 1, 45_000);
  await new Promise((r) => setTimeout(r, 1000));
  const mails = stack.smtp.mails.filter(about(request.id));
  expect(mails.map((m) => m.subject).sort()).toEqual([
    'Acme Learning har licenser för Skolonkommunen',
    'New license request from Skolonkommunen',
  ]);
  expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
}, 90_000);

test('a refused partner address: recorded in the history and on /health, not retried, and the request goes on', async () => {
  const request = await newRequest(`nobody${REFUSED}`);
  // Wait until the refusal is recorded.
  let history: string[] = [];
  for (let i = 0; i < 50 && !history.includes('MAIL_FAILED'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    history = (await call('GET', `/v1/license-requests/${request.id}`, { token: ADMIN_TOKEN })).body.history.map(
      (h: { event: string }) => h.event,
    );
  }
  expect(history).toContain('MAIL_FAILED');
  expect(history).not.toContain('PARTNER_NOTIFIED');
  expect((await call('GET', '/health')).body.mail.failedLast24h).toBeGreaterThanOrEqual(1);

  // The partner still answers (e.g. through the portal), and the contacts are told.
  await call('POST', `/v1/license-requests/${request.id}/answer`, { token: request.apiKey, body: { response: 'NO' } });
  await stack.smtp.waitFor((m) => about(request.id)(m) && m.to.includes(request.contact));
  // The refused mail was tried once and never again.
  expect(stack.smtp.mails.filter((m) => about(request.id)(m) && m.to.some((to) => to.endsWith(REFUSED)))).toEqual([]);
}, 60_000);

test('a contact greylisted twice gets the mail later, alone, with the Message-ID the others got: nobody twice, nothing failed', async () => {
  const partnerId = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const partner = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id: partnerId, name: 'Acme Learning', notificationEmail: `${partnerId}@partner.test`, locale: 'en' },
  });
  const contacts = [
    `anna-${partnerId}@kommun.test`,
    `${GREYLISTED}bo-${partnerId}@kommun.test`,
    `cia-${partnerId}@kommun.test`,
  ];
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId,
      organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
      schools: [{ skolonId: 'sch-1', name: 'Norra skolan' }],
      contacts: contacts.map((email, i) => ({ name: `Kontakt ${i}`, email })),
    },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await call('POST', `/v1/license-requests/${id}/answer`, {
    token: partner.body.apiKey as string,
    body: { response: 'NO' },
  });

  // The workflow's retry policy tries again after 5 s, then 10 s: the third attempt gets through.
  await stack.smtp.waitFor((m) => about(id)(m) && m.to.includes(contacts[1]!), 1, 45_000);
  await new Promise((r) => setTimeout(r, 1000));
  const answered = stack.smtp.mails.filter((m) => about(id)(m) && m.subject.includes('har inga licenser'));
  expect(answered.map((m) => [...m.to].sort())).toEqual([[contacts[0], contacts[2]].sort(), [contacts[1]]]);
  expect(new Set(answered.map((m) => m.messageId)).size).toBe(1);
  const history = (await call('GET', `/v1/license-requests/${id}`, { token: ADMIN_TOKEN })).body.history as Array<{
    event: string;
    detail: { to?: string[] };
  }>;
  const notified = history.filter((h) => h.event === 'CONTACTS_NOTIFIED').map((h) => [...(h.detail.to ?? [])].sort());
  expect(notified).toEqual([[contacts[0], contacts[2]].sort(), [contacts[1]]]);
  expect(history.map((h) => h.event)).not.toContain('MAIL_FAILED');
}, 90_000);
