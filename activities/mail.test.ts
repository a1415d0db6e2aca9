/**
 * The mail activity against a real PostgreSQL database and a real SMTP listener, called directly
 * (outside a worker) in a mocked activity context.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import net from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { getLicenseRequest, insertLicenseRequest } from '../db/repositories/license-requests';
import { insertPartner } from '../db/repositories/partners';
import { LOCALES, type Locale } from '../domain/locale';
import { DATABASE_TIMEOUTS } from '../db/database';
import { ACTIVITY_TIMEOUTS } from '../workflows/definitions';
import { MAIL_OCCASIONS, type MailOccasion } from '../domain/license-request';
import {
  calendarDaysAfter,
  endOfDayOracle,
  longDateOracle,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  workingDaysBetweenOracle,
} from '../test/helpers/calendar-oracle';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import { startSmtpServer, type ReceivedMail, type SmtpServerOptions, type TestSmtpServer } from '../test/helpers/smtp';
import {
  ANSWER_LINK_OCCASIONS,
  CLAIM_LEASE_MS,
  CLAIM_RENEW_EVERY_MS,
  createMailActivities,
  TO_PARTNER,
  type SendRequestMailInput,
  type SendRequestMailResult,
} from './mail';
import { createSmtpMailer, isPermanentMailFailure, refusedRecipients, type Mailer } from './mailer';
import { requestIdOfStatusPageToken } from '../domain/status-page-token';
import { answerLinkTokenHash } from '../domain/answer-link';

const config = {
  from: 'Skolon <no-reply@skolon.test>',
  supportEmail: 'support@skolon.test',
  publicUrl: 'https://licenses.skolon.test',
  statusPageKey: Buffer.alloc(32, 'mail-test-status-page-key'),
};

/** Addresses at this domain are refused for good (550) by the listener. */
const REJECTING_DOMAIN = '@rejecting.test';

let database: TestDatabase;
let smtp: TestSmtpServer;
let smtpPort: number;
let mailer: Mailer;
let activities: ReturnType<typeof createMailActivities>;
/** Every RCPT TO the listener has seen, accepted or not: one per SMTP attempt and recipient. */
const rcptAttempts: string[] = [];
const logs: LogEntry[] = [];

const smtpOptions = (): SmtpServerOptions => ({
  rejectRecipients: (address) => {
    rcptAttempts.push(address);
    return address.endsWith(REJECTING_DOMAIN);
  },
});

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer(smtpOptions());
  smtpPort = Number(new URL(smtp.url).port);
  mailer = createSmtpMailer(smtp.url);
  activities = createMailActivities(database.db, mailer, config);
});

afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  await database?.drop();
});

function send(input: SendRequestMailInput): Promise<SendRequestMailResult> {
  const env = new MockActivityEnvironment(undefined, {
    logger: new DefaultLogger('WARN', (entry) => logs.push(entry)),
  });
  return env.run((i: SendRequestMailInput) => activities.sendRequestMail(i), input);
}

const uid = () => crypto.randomUUID().slice(0, 8);

const swedishLongDate = (date: string) => longDateOracle(date, 'sv');

/** Dates the mails only show (stored as they are): months after the run date, never pinned. */
const DESIRED = calendarDaysAfter(new Date(), 200);
const DEADLINE_DATE = nthWorkingDayAfterOracle(stockholmDateOf(new Date()), 10);
const DEADLINE = endOfDayOracle(DEADLINE_DATE);

interface Fixture {
  requestId: string;
  partnerEmail: string;
  partnerName: string;
  organisationName: string;
  organisationSkolonId: string;
  contacts: string[];
}

async function createRequest(
  options: {
    locale?: Locale;
    partnerEmail?: string;
    organisationName?: string;
    schools?: number;
    desiredAvailability?: string | null;
    contacts?: string[];
  } = {},
): Promise<Fixture> {
  const id = uid();
  const partnerId = `partner-${id}`;
  const partnerName = `Läromedel ${id} AB`;
  const partnerEmail = options.partnerEmail ?? `partner-${id}@partner.test`;
  await insertPartner(database.db, {
    id: partnerId,
    name: partnerName,
    notificationEmail: partnerEmail,
    locale: options.locale ?? 'sv',
    apiKeyHash: `hash-${id}`,
  });
  const requestId = crypto.randomUUID();
  const organisationName = options.organisationName ?? `Åby kommun ${id}`;
  const organisationSkolonId = `org-${id}`;
  const contacts = options.contacts ?? [`anna-${id}@aby.test`, `bo-${id}@aby.test`];
  await insertLicenseRequest(database.db, {
    id: requestId,
    partnerId,
    organisation: { skolonId: organisationSkolonId, name: organisationName },
    schools: Array.from({ length: options.schools ?? 3 }, (_, i) => ({
      skolonId: `school-${id}-${i}`,
      name: `Skola ${i} ${id}`,
    })),
    desiredAvailability: options.desiredAvailability === undefined ? DESIRED : options.desiredAvailability,
    contacts: contacts.map((email, i) => ({ name: `Kontakt ${i}`, email })),
    createdAt: new Date(),
  });
  return { requestId, partnerEmail, partnerName, organisationName, organisationSkolonId, contacts };
}

async function setState(
  requestId: string,
  state: {
    status: string;
    response?: string;
    deadlineDate?: string;
    deadline?: string;
  },
): Promise<void> {
  await database.db
    .updateTable('license_request')
    .set({
      status: state.status,
      ...(state.response !== undefined && { response: state.response, answered_at: new Date() }),
      ...(state.deadlineDate !== undefined && { deadline_date: state.deadlineDate }),
      ...(state.deadline !== undefined && { deadline: state.deadline }),
    })
    .where('id', '=', requestId)
    .execute();
}

const messageIdOf = (requestId: string, occasion: MailOccasion, sequence: number) =>
  `<license-request-${requestId}-${occasion.toLowerCase()}-${sequence}@skolon.test>`;

/** Mails that arrived with this Message-ID (on the current listener). */
const mailsWith = (messageId: string): ReceivedMail[] => smtp.mails.filter((m) => m.messageId === messageId);

/** The one mail with this Message-ID; fails when none or several arrived. */
function onlyMail(messageId: string): ReceivedMail {
  const found = mailsWith(messageId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function sentMailRows(requestId: string) {
  return database.db.selectFrom('sent_mail').selectAll().where('request_id', '=', requestId).execute();
}

async function historyEvents(requestId: string): Promise<string[]> {
  const request = await getLicenseRequest(database.db, requestId);
  return request!.history.map((h) => h.event);
}

/** The decoded text/html part of a raw message (quoted-printable or 7bit, as nodemailer sends it). */
function htmlPart(raw: string): string {
  const match = /Content-Type: text\/html[^\n]*\r?\n((?:[^\r\n]+\r?\n)*)\r?\n([\s\S]*?)(?:\r?\n--|$)/i.exec(raw);
  if (!match) throw new Error('the mail has no text/html part');
  const [, headers = '', body = ''] = match;
  if (/base64/i.test(headers)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!/quoted-printable/i.test(headers)) return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The header block of a raw message, one physical line per entry. */
const headerLines = (raw: string): string[] => (raw.split(/\r?\n\r?\n/)[0] ?? '').split(/\r?\n/);

async function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('sendRequestMail', () => {
  test('CREATED goes once to an English partner, in English, with the facts, link and a deterministic Message-ID', async () => {
    const f = await createRequest({ locale: 'en', schools: 3, desiredAvailability: DESIRED });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };

    await expect(send(input)).resolves.toBe('SENT');

    const messageId = messageIdOf(f.requestId, 'CREATED', 0);
    expect(messageId).toBe(`<license-request-${f.requestId}-created-0@skolon.test>`);
    const mail = onlyMail(messageId);
    expect(mail.to).toEqual([f.partnerEmail]);
    expect(mail.from).toBe('no-reply@skolon.test');
    expect(mail.subject).toBe(`New license request from ${f.organisationName}`);
    expect(mail.text).toContain(f.organisationName);
    expect(mail.text).toContain(`Skolon ID: ${f.organisationSkolonId}`);
    expect(mail.text).toContain('Number of schools: 3');
    expect(mail.text).toContain(`Desired availability: ${longDateOracle(DESIRED, 'en')}`);
    expect(mail.text).toContain(`https://licenses.skolon.test/portal/requests/${f.requestId}`);

    const request = await getLicenseRequest(database.db, f.requestId);
    const notified = request!.history.filter((h) => h.event === 'PARTNER_NOTIFIED');
    expect(notified).toHaveLength(1);
    expect(notified[0]!.detail).toEqual({ occasion: 'CREATED', to: [f.partnerEmail] });
    const rows = await sentMailRows(f.requestId);
    expect(rows).toEqual([
      expect.objectContaining({ occasion: 'CREATED', sequence: 0, status: 'SENT', message_id: messageId }),
    ]);
    expect(rows[0]!.sent_at).toBeInstanceOf(Date);
  });

  test('CREATED goes to a Swedish partner in Swedish, with the desired availability written out in Swedish', async () => {
    const f = await createRequest({ locale: 'sv', schools: 2, desiredAvailability: DESIRED });

    await expect(send({ requestId: f.requestId, occasion: 'CREATED', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'CREATED', 0));
    expect(mail.to).toEqual([f.partnerEmail]);
    expect(mail.subject).toBe(`Ny licensförfrågan från ${f.organisationName}`);
    expect(mail.text).toContain(`Organisation: ${f.organisationName}`);
    expect(mail.text).toContain(`Skolon-ID: ${f.organisationSkolonId}`);
    expect(mail.text).toContain('Antal skolor: 2');
    expect(mail.text).toContain(`Önskat tillgänglighetsdatum: ${swedishLongDate(DESIRED)}`);
    expect(mail.text).toContain(`https://licenses.skolon.test/portal/requests/${f.requestId}`);
    expect(await historyEvents(f.requestId)).toContain('PARTNER_NOTIFIED');
  });

  test('the same (request, occasion, sequence) again returns ALREADY_SENT and sends no second mail', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    await expect(send(input)).resolves.toBe('SENT');
    const attemptsBefore = rcptAttempts.filter((a) => a === f.partnerEmail).length;

    await expect(send(input)).resolves.toBe('ALREADY_SENT');
    await expect(send(input)).resolves.toBe('ALREADY_SENT');

    expect(mailsWith(messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.to.includes(f.partnerEmail))).toHaveLength(1);
    expect(rcptAttempts.filter((a) => a === f.partnerEmail)).toHaveLength(attemptsBefore);
    expect((await historyEvents(f.requestId)).filter((e) => e === 'PARTNER_NOTIFIED')).toHaveLength(1);
    expect(await sentMailRows(f.requestId)).toHaveLength(1);
  });

  test('a different sequence of the same occasion is a new mail with its own Message-ID', async () => {
    const f = await createRequest({ locale: 'sv' });

    await expect(send({ requestId: f.requestId, occasion: 'CREATED', sequence: 0 })).resolves.toBe('SENT');
    await expect(send({ requestId: f.requestId, occasion: 'CREATED', sequence: 1 })).resolves.toBe('SENT');

    const first = onlyMail(messageIdOf(f.requestId, 'CREATED', 0));
    const second = onlyMail(messageIdOf(f.requestId, 'CREATED', 1));
    expect(second.messageId).toBe(`<license-request-${f.requestId}-created-1@skolon.test>`);
    expect(first.to).toEqual([f.partnerEmail]);
    expect(second.to).toEqual([f.partnerEmail]);
    const rows = await sentMailRows(f.requestId);
    expect(rows.map((r) => [r.sequence, r.status]).sort()).toEqual([
      [0, 'SENT'],
      [1, 'SENT'],
    ]);
  });

  test('ANSWERED_YES goes to all contacts in Swedish and states the deadline date and the working days left', async () => {
    // A deadline five working days after today (the run date) and a desired date the day after it.
    const today = stockholmDateOf(new Date());
    const deadlineDate = nthWorkingDayAfterOracle(today, 5);
    const desired = calendarDaysAfter(deadlineDate, 1);
    // The partner's locale is English: the organisation's contacts still get Swedish.
    const f = await createRequest({ locale: 'en', desiredAvailability: desired });
    await setState(f.requestId, {
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      deadlineDate,
      deadline: endOfDayOracle(deadlineDate),
    });

    await expect(send({ requestId: f.requestId, occasion: 'ANSWERED_YES', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'ANSWERED_YES', 0));
    expect([...mail.to].sort()).toEqual([...f.contacts].sort());
    expect(mail.subject).toBe(`${f.partnerName} har licenser för ${f.organisationName}`);
    expect(mail.text).toContain(
      `${f.partnerName} ska tilldela licenserna i Skolon senast ${swedishLongDate(deadlineDate)}.`,
    );
    expect(workingDaysBetweenOracle(today, deadlineDate)).toBe(5);
    expect(mail.text).toContain('Arbetsdagar kvar: 5');
    expect(mail.text).toMatch(/Skolor som ännu inte har fått licenser:\r?\n- Skola 0/);
    expect(mail.text).toContain(`Sista dag för tilldelning: ${swedishLongDate(deadlineDate)}`);
    expect(mail.text).toContain(`Organisation: ${f.organisationName}`);
    expect(mail.text).toContain('Antal skolor: 3');
    expect(mail.text).toContain(`Önskat tillgänglighetsdatum: ${swedishLongDate(desired)}`);
    // Contacts have no page in the partner portal: their link is the request's status page.
    expect(mail.text).not.toContain('/portal/');
    expect(mail.text).toMatch(/^Följ förfrågan: https:\/\/licenses\.skolon\.test\/status\/[\w-]{64}$/m);
    expect(await historyEvents(f.requestId)).toContain('CONTACTS_NOTIFIED');
  });

  test('a mail on the deadline day says that the last day is today instead of a count', async () => {
    const today = stockholmDateOf(new Date());
    const f = await createRequest({ locale: 'sv', desiredAvailability: today });
    await setState(f.requestId, {
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      deadlineDate: today,
      deadline: endOfDayOracle(today),
    });

    await expect(send({ requestId: f.requestId, occasion: 'DEADLINE_NEAR', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'DEADLINE_NEAR', 0));
    expect(mail.text).toContain('Arbetsdagar kvar: sista dagen är i dag');
    expect(mail.text).toContain(swedishLongDate(today));
  });

  test('ANSWERED_NO goes to all contacts in Swedish', async () => {
    const f = await createRequest({ locale: 'en' });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });

    await expect(send({ requestId: f.requestId, occasion: 'ANSWERED_NO', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'ANSWERED_NO', 0));
    expect([...mail.to].sort()).toEqual([...f.contacts].sort());
    expect(mail.subject).toBe(`${f.partnerName} har inga licenser för ${f.organisationName}`);
    expect(mail.text).toContain(`${f.organisationName} har inga licenser hos dem`);
    expect(mail.text).toContain('Antal skolor: 3');
    // Contacts have no page in the partner portal: their link is the request's status page.
    expect(mail.text).not.toContain('/portal/');
    expect(mail.text).toMatch(/^Följ förfrågan: https:\/\/licenses\.skolon\.test\/status\/[\w-]{64}$/m);
    expect(await historyEvents(f.requestId)).toContain('CONTACTS_NOTIFIED');
  });

  test('COMPLETED goes to all contacts in Swedish', async () => {
    const f = await createRequest({ locale: 'en' });
    await setState(f.requestId, {
      status: 'COMPLETED',
      response: 'YES',
      deadlineDate: DEADLINE_DATE,
      deadline: DEADLINE,
    });

    await expect(send({ requestId: f.requestId, occasion: 'COMPLETED', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'COMPLETED', 0));
    expect([...mail.to].sort()).toEqual([...f.contacts].sort());
    expect(mail.subject).toBe(`Licenserna från ${f.partnerName} finns nu i Skolon för ${f.organisationName}`);
    expect(mail.text).toContain(`Organisation: ${f.organisationName}`);
    // Contacts have no page in the partner portal: their link is the request's status page.
    expect(mail.text).not.toContain('/portal/');
    expect(mail.text).toMatch(/^Följ förfrågan: https:\/\/licenses\.skolon\.test\/status\/[\w-]{64}$/m);
    expect(await historyEvents(f.requestId)).toContain('CONTACTS_NOTIFIED');
  });

  test('an OVERDUE mail that support gets too goes to the partner and support, and says so; the others only to the partner', async () => {
    const f = await createRequest({ locale: 'sv' });
    await setState(f.requestId, {
      status: 'OVERDUE',
      response: 'YES',
      deadlineDate: DEADLINE_DATE,
      deadline: DEADLINE,
    });

    await expect(send({ requestId: f.requestId, occasion: 'OVERDUE', sequence: 0, alsoToSupport: true })).resolves.toBe(
      'SENT',
    );
    await expect(send({ requestId: f.requestId, occasion: 'OVERDUE', sequence: 1 })).resolves.toBe('SENT');

    const first = onlyMail(messageIdOf(f.requestId, 'OVERDUE', 0));
    expect([...first.to].sort()).toEqual([f.partnerEmail, 'support@skolon.test'].sort());
    expect(first.subject).toBe(`Försenad: licenser för ${f.organisationName} är inte tilldelade`);
    expect(first.text).toContain(swedishLongDate(DEADLINE_DATE));
    expect(first.text).toContain('Skolons support har fått en kopia');
    const second = onlyMail(messageIdOf(f.requestId, 'OVERDUE', 1));
    expect(second.to).toEqual([f.partnerEmail]);
    // Every mail's footer names support; only the copied one says that support has it.
    expect(second.text).not.toContain('Skolons support har fått en kopia');
  });

  test('UNANSWERED_ESCALATION goes only to support', async () => {
    const f = await createRequest({ locale: 'en' });

    await expect(send({ requestId: f.requestId, occasion: 'UNANSWERED_ESCALATION', sequence: 0 })).resolves.toBe(
      'SENT',
    );

    const mail = onlyMail(messageIdOf(f.requestId, 'UNANSWERED_ESCALATION', 0));
    expect(mail.to).toEqual(['support@skolon.test']);
    expect(mail.text).toContain(f.organisationName);
    expect(mail.text).toContain(f.partnerName);
    expect(smtp.mails.filter((m) => m.to.includes(f.partnerEmail))).toHaveLength(0);
    expect(smtp.mails.filter((m) => f.contacts.some((c) => m.to.includes(c)))).toHaveLength(0);
    expect(await historyEvents(f.requestId)).toContain('ESCALATED_TO_SUPPORT');
  });

  test('a reminder for a state the request has left is skipped: no mail, and the history says why', async () => {
    const f = await createRequest({ locale: 'sv' });
    await setState(f.requestId, {
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      deadlineDate: DEADLINE_DATE,
      deadline: DEADLINE,
    });

    await expect(send({ requestId: f.requestId, occasion: 'UNANSWERED_REMINDER', sequence: 0 })).resolves.toBe(
      'SKIPPED',
    );

    expect(mailsWith(messageIdOf(f.requestId, 'UNANSWERED_REMINDER', 0))).toHaveLength(0);
    expect(smtp.mails.filter((m) => m.to.includes(f.partnerEmail))).toHaveLength(0);
    expect(rcptAttempts).not.toContain(f.partnerEmail);
    expect(await sentMailRows(f.requestId)).toEqual([]);
    expect(await historyEvents(f.requestId)).toEqual(['CREATED', 'REMINDER_SKIPPED']);
    const skipped = (await getLicenseRequest(database.db, f.requestId))!.history.at(-1)!;
    expect(skipped.detail).toEqual({ occasion: 'UNANSWERED_REMINDER', sequence: 0, reason: 'NO_LONGER_APPLIES' });
  });

  test('a reminder gone stale while the mail server was away is skipped with its reason; a retry skips it again', async () => {
    const f = await createRequest({ locale: 'en' });
    await setState(f.requestId, {
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      deadlineDate: DEADLINE_DATE,
      deadline: DEADLINE,
    });
    const stale = {
      requestId: f.requestId,
      occasion: 'DEADLINE_NEAR' as const,
      sequence: 0,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      expiresBecause: 'DEADLINE_PASSED' as const,
    };

    await expect(send(stale)).resolves.toBe('SKIPPED');
    await expect(send(stale)).resolves.toBe('SKIPPED');

    expect(smtp.mails.filter((m) => m.to.includes(f.partnerEmail))).toHaveLength(0);
    expect(await sentMailRows(f.requestId)).toEqual([]);
    expect(await historyEvents(f.requestId)).toEqual(['CREATED', 'REMINDER_SKIPPED']);
    const skipped = (await getLicenseRequest(database.db, f.requestId))!.history.at(-1)!;
    expect(skipped.detail).toEqual({ occasion: 'DEADLINE_NEAR', sequence: 0, reason: 'DEADLINE_PASSED' });
  });

  test('a reminder that has not expired yet goes out', async () => {
    const f = await createRequest({ locale: 'en' });
    await expect(
      send({
        requestId: f.requestId,
        occasion: 'UNANSWERED_REMINDER',
        sequence: 0,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        expiresBecause: 'LATER_REMINDER_DUE',
      }),
    ).resolves.toBe('SENT');
    expect(onlyMail(messageIdOf(f.requestId, 'UNANSWERED_REMINDER', 0)).to).toEqual([f.partnerEmail]);
  });

  test('a permanent rejection (550) returns FAILED, records it, and is not attempted again', async () => {
    const id = uid();
    const f = await createRequest({ locale: 'en', partnerEmail: `partner-${id}${REJECTING_DOMAIN}` });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };

    await expect(send(input)).resolves.toBe('FAILED');

    expect(rcptAttempts.filter((a) => a === f.partnerEmail)).toHaveLength(1);
    expect(mailsWith(messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(0);
    const rows = await sentMailRows(f.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('FAILED');
    expect(rows[0]!.error).toEqual(expect.stringContaining('550'));
    expect(rows[0]!.sent_at).toBeNull();
    const request = await getLicenseRequest(database.db, f.requestId);
    const failed = request!.history.filter((h) => h.event === 'MAIL_FAILED');
    expect(failed).toHaveLength(1);
    // Partners see a code and the reply code; the server's words stay in sent_mail and the log.
    expect(failed[0]!.detail).toEqual({
      occasion: 'CREATED',
      to: [f.partnerEmail],
      reason: 'recipient_refused',
      smtpCode: 550,
    });
    expect(JSON.stringify(failed[0]!.detail)).not.toContain('mailbox unavailable');
    expect(rows[0]!.error).toContain('mailbox unavailable');
    expect(request!.history.map((h) => h.event)).not.toContain('PARTNER_NOTIFIED');
    expect(logs.some((l) => l.level === 'WARN' && l.meta?.requestId === f.requestId)).toBe(true);

    await expect(send(input)).resolves.toBe('FAILED');

    expect(rcptAttempts.filter((a) => a === f.partnerEmail)).toHaveLength(1);
    expect((await getLicenseRequest(database.db, f.requestId))!.history.map((h) => h.event)).toEqual([
      'CREATED',
      'MAIL_FAILED',
    ]);
  });

  test('one contact refused (550) while the other accepts: the mail counts as sent, the refusal is recorded', async () => {
    const id = uid();
    const good = `good-${id}@aby.test`;
    const bad = `bad-${id}${REJECTING_DOMAIN}`;
    const f = await createRequest({ contacts: [good, bad] });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });

    await expect(send({ requestId: f.requestId, occasion: 'ANSWERED_NO', sequence: 0 })).resolves.toBe('SENT');

    expect(onlyMail(messageIdOf(f.requestId, 'ANSWERED_NO', 0)).to).toEqual([good]);
    const request = await getLicenseRequest(database.db, f.requestId);
    const notified = request!.history.find((h) => h.event === 'CONTACTS_NOTIFIED');
    expect(notified!.detail).toEqual(expect.objectContaining({ to: [good] }));
    const failed = request!.history.find((h) => h.event === 'MAIL_FAILED');
    expect(failed!.detail).toEqual({ occasion: 'ANSWERED_NO', to: [bad], reason: 'recipient_refused' });
  });

  test('a server without STARTTLS gets no mail in clear unless SMTP_URL opts out with ignoreTLS=true', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    const messageId = messageIdOf(f.requestId, 'CREATED', 0);
    // The same listener (it offers no STARTTLS), without the opt-out: TLS is required.
    const strictUrl = new URL(smtp.url);
    strictUrl.search = '';
    const strict = createSmtpMailer(strictUrl.toString());
    try {
      await expect(
        new MockActivityEnvironment().run(
          (i: SendRequestMailInput) => createMailActivities(database.db, strict, config).sendRequestMail(i),
          input,
        ),
      ).rejects.toThrow(/STARTTLS/i);
    } finally {
      strict.close();
    }
    // Nothing went out, nothing is recorded as failed: the activity is retried until TLS is there.
    expect(mailsWith(messageId)).toHaveLength(0);
    expect(await sentMailRows(f.requestId)).toEqual([]);
    expect(await historyEvents(f.requestId)).toEqual(['CREATED']);

    // With `?ignoreTLS=true` (the suite's mailer) it is sent.
    expect(smtp.url).toMatch(/\?ignoreTLS=true$/);
    await expect(send(input)).resolves.toBe('SENT');
    expect(mailsWith(messageId)).toHaveLength(1);
  });

  test('a retried send of the same mail (same Message-ID) carries the same YES and NO links; another mail has links of its own', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    const answerLinks = (m: ReceivedMail) => m.text.match(/https:\/\/\S+\/portal\/answer\/\S+/g) ?? [];
    await expect(send(input)).resolves.toBe('SENT');
    // The mail's record gone, as when a worker died before recording the send: the retry sends again.
    await database.db.deleteFrom('sent_mail').where('request_id', '=', f.requestId).execute();
    await expect(send(input)).resolves.toBe('SENT');
    const mails = smtp.mails.filter((m) => m.messageId === messageIdOf(f.requestId, 'CREATED', 0));
    expect(mails).toHaveLength(2);
    expect(answerLinks(mails[0]!)).toHaveLength(2);
    expect(answerLinks(mails[1]!)).toEqual(answerLinks(mails[0]!));
    // A reminder is another mail: other links, both stored.
    await expect(send({ requestId: f.requestId, occasion: 'UNANSWERED_REMINDER', sequence: 0 })).resolves.toBe('SENT');
    const reminder = onlyMail(messageIdOf(f.requestId, 'UNANSWERED_REMINDER', 0));
    expect(answerLinks(reminder)).toHaveLength(2);
    expect(answerLinks(reminder)).not.toContain(answerLinks(mails[0]!)[0]);
    const stored = await database.db
      .selectFrom('answer_link')
      .select('occasion')
      .where('request_id', '=', f.requestId)
      .execute();
    expect(stored.map((r) => r.occasion).sort()).toEqual(['CREATED', 'UNANSWERED_REMINDER']);
  });

  test('a transient failure (nothing listening) throws so Temporal retries; the retry sends exactly one mail', async () => {
    const f = await createRequest({ locale: 'sv' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    const messageId = messageIdOf(f.requestId, 'CREATED', 0);

    await smtp.close();
    try {
      expect(await portIsClosed(smtpPort)).toBe(true);
      await expect(send(input)).rejects.toThrow();
      // Nothing was delivered: the claim is given back so that the retry can send at once.
      expect(await sentMailRows(f.requestId)).toEqual([]);
      expect(await historyEvents(f.requestId)).toEqual(['CREATED']);
    } finally {
      smtp = await startSmtpServer({ ...smtpOptions(), port: smtpPort });
    }
    expect(smtp.url).toBe(`smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`);

    await expect(send(input)).resolves.toBe('SENT');
    await expect(send(input)).resolves.toBe('ALREADY_SENT');

    const mail = onlyMail(messageId);
    expect(mail.to).toEqual([f.partnerEmail]);
    expect(smtp.mails.filter((m) => m.to.includes(f.partnerEmail))).toHaveLength(1);
    const rows = await sentMailRows(f.requestId);
    expect(rows).toEqual([expect.objectContaining({ status: 'SENT' })]);
    expect((await historyEvents(f.requestId)).filter((e) => e === 'PARTNER_NOTIFIED')).toHaveLength(1);
  });

  test('an organisation name with CRLF + Bcc and <script> adds no recipient, keeps the subject one line and is escaped in HTML', async () => {
    const organisationName = 'Evil kommun\r\nBcc: evil@x.test\r\n<script>alert(1)</script>';
    const f = await createRequest({ locale: 'en', organisationName });

    await expect(send({ requestId: f.requestId, occasion: 'CREATED', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'CREATED', 0));
    // Only the intended recipient in the SMTP envelope, and nobody at all received a mail for evil@x.test.
    expect(mail.to).toEqual([f.partnerEmail]);
    expect(smtp.mails.filter((m) => m.to.some((a) => a.toLowerCase().includes('evil@x.test')))).toHaveLength(0);
    // No header line was injected.
    const headers = headerLines(mail.raw);
    expect(headers.filter((l) => /^bcc\s*:/i.test(l))).toEqual([]);
    expect(headers.filter((l) => /^(to|cc)\s*:/i.test(l) && /evil@x\.test/i.test(l))).toEqual([]);
    expect(headers.filter((l) => /^<script>/i.test(l))).toEqual([]);
    // The subject is a single line that still carries the name's text.
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe('New license request from Evil kommun Bcc: evil@x.test <script>alert(1)</script>');
    // The HTML part escapes the name.
    const html = htmlPart(mail.raw);
    expect(html).not.toContain('<script');
    expect(html).toMatch(/&#60;script&#62;|&lt;script&gt;|&#x3c;script&#x3e;/i);
    expect(html).toContain('alert(1)');
  });

  /** The status a request has when each occasion's mail goes out. */
  const STATUS_FOR: Record<MailOccasion, { status: string; response?: string; deadline?: boolean }> = {
    CREATED: { status: 'AWAITING_ANSWER' },
    UNANSWERED_REMINDER: { status: 'AWAITING_ANSWER' },
    UNANSWERED_ESCALATION: { status: 'AWAITING_ANSWER' },
    ANSWERED_YES: { status: 'AWAITING_ASSIGNMENT', response: 'YES', deadline: true },
    ANSWERED_NO: { status: 'DECLINED', response: 'NO' },
    DEADLINE_NEAR: { status: 'AWAITING_ASSIGNMENT', response: 'YES', deadline: true },
    OVERDUE: { status: 'OVERDUE', response: 'YES', deadline: true },
    COMPLETED: { status: 'COMPLETED', response: 'YES', deadline: true },
    WITHDRAWN: { status: 'WITHDRAWN' },
    DEADLINE_EXTENDED: { status: 'AWAITING_ASSIGNMENT', response: 'YES', deadline: true },
    DEADLINE_EXTENDED_CONTACTS: { status: 'AWAITING_ASSIGNMENT', response: 'YES', deadline: true },
    REOPENED: { status: 'AWAITING_ANSWER' },
    WEBHOOK_DISABLED: { status: 'AWAITING_ANSWER' },
  };
  const TO_CONTACTS: MailOccasion[] = ['ANSWERED_YES', 'ANSWERED_NO', 'COMPLETED', 'DEADLINE_EXTENDED_CONTACTS'];
  /** Support's exceptions: their mails give support's reason. */
  const WITH_REASON: MailOccasion[] = ['DEADLINE_EXTENDED', 'DEADLINE_EXTENDED_CONTACTS', 'REOPENED'];
  const REASON = 'Skolornas licenser förnyas <i>just nu</i>';
  const cases = MAIL_OCCASIONS.flatMap((occasion) => LOCALES.map((locale) => [occasion, locale] as const));

  test.each(cases)('%s to a partner with locale %s: right recipients, language and facts', async (occasion, locale) => {
    const f = await createRequest({ locale });
    const state = STATUS_FOR[occasion];
    await setState(f.requestId, {
      status: state.status,
      response: state.response,
      ...(state.deadline && { deadlineDate: DEADLINE_DATE, deadline: DEADLINE }),
    });

    // The first overdue mail is the one support gets too (the workflow says so).
    await expect(
      send({
        requestId: f.requestId,
        occasion,
        sequence: 0,
        ...(occasion === 'OVERDUE' && { alsoToSupport: true }),
        ...(WITH_REASON.includes(occasion) && { reason: REASON }),
      }),
    ).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, occasion, 0));
    const expectedTo = TO_CONTACTS.includes(occasion)
      ? f.contacts
      : occasion === 'UNANSWERED_ESCALATION'
        ? [config.supportEmail]
        : occasion === 'OVERDUE'
          ? [f.partnerEmail, config.supportEmail]
          : [f.partnerEmail];
    expect([...mail.to].sort()).toEqual([...expectedTo].sort());
    // Contacts and support read Swedish; the partner its own language.
    const language = TO_CONTACTS.includes(occasion) || occasion === 'UNANSWERED_ESCALATION' ? 'sv' : locale;
    expect(mail.text).toContain(language === 'sv' ? 'Vänliga hälsningar' : 'Kind regards');
    expect(mail.subject).toContain(f.organisationName);
    expect(mail.text).toContain(f.organisationSkolonId);
    expect(mail.text).toContain(language === 'sv' ? 'Antal skolor: 3' : 'Number of schools: 3');
    // The partner gets the request's page in the partner portal; the contacts their status page
    // (the token opens this request); support neither.
    const links = mail.text.match(/https:\/\/\S+/g) ?? [];
    if (ANSWER_LINK_OCCASIONS.includes(occasion)) {
      // Asking for an answer: a YES and a NO link first, then the request's page; only their hashes stored.
      const answerLink = /^https:\/\/licenses\.skolon\.test\/portal\/answer\/[A-Za-z0-9_-]{43}$/;
      expect(links).toEqual([
        expect.stringMatching(answerLink),
        expect.stringMatching(answerLink),
        `https://licenses.skolon.test/portal/requests/${f.requestId}`,
      ]);
      const tokens = links.slice(0, 2).map((l) => l.split('/').pop()!);
      const stored = await database.db
        .selectFrom('answer_link')
        .selectAll()
        .where('request_id', '=', f.requestId)
        .execute();
      expect(stored).toEqual([
        expect.objectContaining({
          occasion,
          sequence: 0,
          sent_to: f.partnerEmail,
          yes_token_hash: answerLinkTokenHash(tokens[0]!),
          no_token_hash: answerLinkTokenHash(tokens[1]!),
        }),
      ]);
      expect(JSON.stringify(stored)).not.toContain(tokens[0]);
      expect(JSON.stringify(stored)).not.toContain(tokens[1]);
      for (const link of links) expect(htmlPart(mail.raw)).toContain(`href="${link}"`);
    } else if (TO_PARTNER.includes(occasion))
      expect(links).toEqual([`https://licenses.skolon.test/portal/requests/${f.requestId}`]);
    else if (TO_CONTACTS.includes(occasion)) {
      expect(links).toEqual([expect.stringMatching(/^https:\/\/licenses\.skolon\.test\/status\/[A-Za-z0-9_-]{64}$/)]);
      expect(requestIdOfStatusPageToken(config.statusPageKey, links[0]!.split('/status/')[1]!)).toBe(f.requestId);
      expect(mail.text).toContain(`Följ förfrågan: ${links[0]}`);
    } else expect(links).toEqual([]);
    // The HTML part's button opens the same page, and its footer gives support's address.
    const html = htmlPart(mail.raw);
    if (links[0]) expect(html).toContain(`href="${links[0]}"`);
    expect(html).toContain(`href="mailto:${config.supportEmail}"`);
    expect(mail.text).toContain(config.supportEmail);
    if (state.deadline) expect(mail.text).toContain(longDateOracle(DEADLINE_DATE, language));
    if (WITH_REASON.includes(occasion)) {
      // The reason as support wrote it: as text in the plain part, escaped in the HTML part.
      expect(mail.text).toContain(`${language === 'sv' ? 'Anledning' : 'Reason'}: ${REASON}`);
      expect(htmlPart(mail.raw)).not.toContain('<i>');
    } else expect(mail.text).not.toContain(REASON);
    // The partner's mail about an extension gives the working days left to the new date.
    if (occasion === 'DEADLINE_EXTENDED') {
      const left = workingDaysBetweenOracle(stockholmDateOf(new Date()), DEADLINE_DATE);
      expect(mail.text).toContain(`${language === 'sv' ? 'Arbetsdagar kvar' : 'Working days left'}: ${left}`);
    }
    // A reopened request is new to the partner again: every school is listed.
    if (occasion === 'REOPENED') expect(mail.text).toContain('- Skola 2 ');
  });

  test('school names with CRLF and <script> are listed as text and escaped in HTML', async () => {
    const f = await createRequest({ locale: 'sv', schools: 1 });
    await database.db
      .updateTable('school')
      .set({ name: 'Skola\r\nBcc: evil@x.test <script>alert(2)</script>' })
      .where('request_id', '=', f.requestId)
      .execute();

    await expect(send({ requestId: f.requestId, occasion: 'CREATED', sequence: 0 })).resolves.toBe('SENT');

    const mail = onlyMail(messageIdOf(f.requestId, 'CREATED', 0));
    expect(mail.to).toEqual([f.partnerEmail]);
    expect(headerLines(mail.raw).filter((l) => /^bcc\s*:/i.test(l))).toEqual([]);
    const html = htmlPart(mail.raw);
    expect(html).not.toContain('<script');
    expect(html).toMatch(/(&#60;|&lt;)script(&#62;|&gt;)alert\(2\)/);
  });

  test('a retry while an earlier attempt still holds the claim waits; once the claim has lapsed it sends once', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    // An attempt that claimed the mail a moment ago and may still be talking to the server.
    await database.db
      .insertInto('sent_mail')
      .values({
        request_id: f.requestId,
        occasion: 'CREATED',
        sequence: 0,
        message_id: messageIdOf(f.requestId, 'CREATED', 0),
        recipients: f.partnerEmail,
        status: 'SENDING',
        // The claim's clock is the database's (the activity compares it with now() there).
        claimed_at: sql<Date>`now()`,
      })
      .execute();
    // Told to come back just after the claim lapses, not on the usual backoff.
    const refused = await send(input).catch((error: unknown) => error);
    expect(refused).toMatchObject({ type: 'MailInFlight', message: expect.stringContaining('may still be sending') });
    const delay = (refused as { nextRetryDelay: number }).nextRetryDelay;
    expect(delay).toBeGreaterThan(CLAIM_LEASE_MS - 5000);
    expect(delay).toBeLessThanOrEqual(CLAIM_LEASE_MS + 1000);
    expect(mailsWith(messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(0);

    // That attempt died (it no longer renews its claim): after the lease the retry sends.
    await database.db
      .updateTable('sent_mail')
      .set({ claimed_at: sql<Date>`now() - interval '10 minutes'` })
      .where('request_id', '=', f.requestId)
      .execute();
    await expect(send(input)).resolves.toBe('SENT');
    await expect(send(input)).resolves.toBe('ALREADY_SENT');
    expect(mailsWith(messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(1);
  });
});

describe('sendRequestMail on a slow mail server', () => {
  let slow: TestSmtpServer;
  let slowMailer: Mailer;
  beforeAll(async () => {
    // Answers each message 7 s after its data: long enough for two renewals of the claim.
    slow = await startSmtpServer({ acceptDelayMs: 7000 });
    slowMailer = createSmtpMailer(slow.url);
  });
  afterAll(async () => {
    slowMailer?.close();
    await slow?.close();
  });

  test('an attempt heartbeats and renews its claim while it sends, so a retry meanwhile waits and the mail goes once', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    const slowActivities = createMailActivities(database.db, slowMailer, config);
    // As the workflow schedules it (the mock's default attempt is only 1 s long).
    const env = new MockActivityEnvironment(
      {
        startToCloseTimeoutMs: ACTIVITY_TIMEOUTS.mail.startToCloseMs,
        heartbeatTimeoutMs: ACTIVITY_TIMEOUTS.mail.heartbeatMs,
      },
      { logger: new DefaultLogger('WARN', () => undefined) },
    );
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    const sending = env.run((i: SendRequestMailInput) => slowActivities.sendRequestMail(i), input);
    const claimedAt = async () =>
      (
        await database.db
          .selectFrom('sent_mail')
          .select('claimed_at')
          .where('request_id', '=', f.requestId)
          .executeTakeFirst()
      )?.claimed_at;
    while (!(await claimedAt())) await new Promise((r) => setTimeout(r, 50));
    const first = (await claimedAt())!;
    await new Promise((r) => setTimeout(r, CLAIM_RENEW_EVERY_MS + 1500));
    expect((await claimedAt())!.getTime()).toBeGreaterThan(first.getTime());
    expect(heartbeats).toBeGreaterThanOrEqual(1);
    // A retry of the same mail (Temporal thought this attempt lost) waits for it.
    await expect(send(input)).rejects.toMatchObject({ type: 'MailInFlight' });
    await expect(sending).resolves.toBe('SENT');
    expect(slow.mails.filter((m) => m.messageId === messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(1);
  }, 30_000);
});

describe('sendRequestMail when recording a sent mail fails', () => {
  test('the database failing right after the send: the attempt keeps trying to record it and sends nothing twice', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    // Right after the server accepted the mail, another session locks its record for longer than
    // the statement timeout: marking it sent fails (the server cancels the statement), then works.
    let release: Promise<void> | undefined;
    const locking: Mailer = {
      description: 'locking',
      close: () => undefined,
      async send(mail) {
        const result = await mailer.send(mail);
        let locked!: () => void;
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        release = database.db.transaction().execute(async (trx) => {
          await trx
            .selectFrom('sent_mail')
            .select('status')
            .where('request_id', '=', f.requestId)
            .forUpdate()
            .execute();
          locked();
          await new Promise((r) => setTimeout(r, DATABASE_TIMEOUTS.statementMs + 1500));
        });
        await lockTaken;
        return result;
      },
    };
    const env = new MockActivityEnvironment(
      { startToCloseTimeoutMs: ACTIVITY_TIMEOUTS.mail.startToCloseMs },
      { logger: new DefaultLogger('WARN', () => undefined) },
    );
    const details: unknown[] = [];
    env.on('heartbeat', (d: unknown) => details.push(d));
    const result = await env.run(
      (i: SendRequestMailInput) => createMailActivities(database.db, locking, config).sendRequestMail(i),
      input,
    );
    await release;
    expect(result).toBe('SENT');
    // Temporal was told the mail is out before it was recorded, for any attempt after this one.
    expect(details).toContainEqual({ sent: { refused: [] } });
    expect(mailsWith(messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(1);
    const row = await database.db
      .selectFrom('sent_mail')
      .select('status')
      .where('request_id', '=', f.requestId)
      .executeTakeFirst();
    expect(row?.status).toBe('SENT');
  }, 30_000);

  test('an attempt after one that sent the mail but could not record it records it and does not send again', async () => {
    const f = await createRequest({ locale: 'en' });
    const input = { requestId: f.requestId, occasion: 'CREATED' as const, sequence: 0 };
    // What the earlier attempt left: its claim, and (in Temporal) the news that the mail is out.
    await database.db
      .insertInto('sent_mail')
      .values({
        request_id: f.requestId,
        occasion: 'CREATED',
        sequence: 0,
        message_id: messageIdOf(f.requestId, 'CREATED', 0),
        recipients: f.partnerEmail,
        status: 'SENDING',
        claimed_at: sql<Date>`now()`,
      })
      .execute();
    const env = new MockActivityEnvironment(
      { startToCloseTimeoutMs: ACTIVITY_TIMEOUTS.mail.startToCloseMs, heartbeatDetails: { sent: { refused: [] } } },
      { logger: new DefaultLogger('WARN', () => undefined) },
    );
    await expect(env.run((i: SendRequestMailInput) => activities.sendRequestMail(i), input)).resolves.toBe('SENT');
    expect(mailsWith(messageIdOf(f.requestId, 'CREATED', 0))).toHaveLength(0);
    const request = await getLicenseRequest(database.db, f.requestId);
    expect(request?.history.map((h) => h.event)).toContain('PARTNER_NOTIFIED');
  });
});

describe('isPermanentMailFailure', () => {
  test.each([
    [{ code: 'EENVELOPE', responseCode: 550 }, true],
    [{ code: 'EMESSAGE', responseCode: 554 }, true],
    [{ code: 'EENVELOPE', responseCode: 503 }, false],
    [{ code: 'EENVELOPE', responseCode: 451 }, false],
    [{ code: 'EAUTH', responseCode: 535 }, false],
    [{ code: 'EPROTOCOL', responseCode: 554 }, false],
    [{ code: 'ECONNECTION' }, false],
    [new Error('socket hang up'), false],
  ])('%o is permanent: %s (only a refusal of this mail is; server or setup trouble is retried)', (error, permanent) => {
    expect(isPermanentMailFailure(error)).toBe(permanent);
  });
});

describe('sendRequestMail when the mail server defers recipients for now (4xx, greylisting)', () => {
  let grey: TestSmtpServer;
  let greyMailer: Mailer;
  let greyActivities: ReturnType<typeof createMailActivities>;
  /** How many of an address's first RCPT TOs the listener answers 450 (greylisted). */
  const greylisted = new Map<string, number>();
  /** Every RCPT TO the listener has seen. */
  const asked: string[] = [];

  beforeAll(async () => {
    grey = await startSmtpServer({
      rejectRecipients: (address) => {
        asked.push(address);
        return address.endsWith(REJECTING_DOMAIN);
      },
      deferRecipients: (address, attempt) => attempt <= (greylisted.get(address) ?? 0),
    });
    greyMailer = createSmtpMailer(grey.url);
    greyActivities = createMailActivities(database.db, greyMailer, config);
  });
  afterAll(async () => {
    greyMailer?.close();
    await grey?.close();
  });

  /**
   * Runs the activity as Temporal does: attempt after attempt while it fails retryably, each one
   * handed the details of the last heartbeat before it. (Backoff aside: the workflow's retry
   * policy waits 5 s, 10 s, ... in between, which changes nothing here.)
   */
  async function untilDone(input: SendRequestMailInput, firstDetails?: unknown) {
    let details = firstDetails;
    const failures: unknown[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      const env = new MockActivityEnvironment(
        {
          attempt,
          heartbeatDetails: details,
          startToCloseTimeoutMs: ACTIVITY_TIMEOUTS.mail.startToCloseMs,
          heartbeatTimeoutMs: ACTIVITY_TIMEOUTS.mail.heartbeatMs,
        },
        { logger: new DefaultLogger('WARN', () => undefined) },
      );
      env.on('heartbeat', (d: unknown) => (details = d));
      try {
        const result = await env.run((i: SendRequestMailInput) => greyActivities.sendRequestMail(i), input);
        return { result, attempts: attempt, failures };
      } catch (error) {
        if ((error as { nonRetryable?: boolean }).nonRetryable) throw error;
        failures.push(error);
      }
    }
    throw new Error(`still failing after 10 attempts: ${String(failures[failures.length - 1])}`);
  }

  const greyMailsWith = (messageId: string) => grey.mails.filter((m) => m.messageId === messageId);
  /** The mails with any of these addresses in their envelope, whatever their Message-ID. */
  const mailsTo = (address: string) => grey.mails.filter((m) => m.to.includes(address));

  async function mailEvents(requestId: string) {
    const request = await getLicenseRequest(database.db, requestId);
    return request!.history
      .filter((h) => h.event !== 'CREATED')
      .map((h) => ({ event: h.event, to: [...(h.detail as { to: string[] }).to].sort() }));
  }

  test('one of three contacts greylisted for two attempts: each contact gets exactly one mail, all with the same Message-ID', async () => {
    const id = uid();
    const [anna, bo, cia] = [`anna-${id}@aby.test`, `bo-${id}@grey.test`, `cia-${id}@aby.test`];
    greylisted.set(bo, 2);
    const f = await createRequest({ contacts: [anna, bo, cia] });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });
    const input = { requestId: f.requestId, occasion: 'ANSWERED_NO' as const, sequence: 0 };
    const messageId = messageIdOf(f.requestId, 'ANSWERED_NO', 0);

    const { result, attempts, failures } = await untilDone(input);

    expect(result).toBe('SENT');
    expect(attempts).toBe(3);
    // The first attempt failed retryably after delivering to whoever accepted the mail; the
    // second, to the greylisted contact alone, as nodemailer fails a send nobody accepted.
    expect(failures).toEqual([
      expect.objectContaining({ type: 'MailDeferred', message: expect.stringContaining(bo) }),
      expect.objectContaining({ code: 'EENVELOPE', responseCode: 450 }),
    ]);
    for (const contact of [anna, bo, cia]) {
      expect(mailsTo(contact)).toHaveLength(1);
      expect(mailsTo(contact)[0]!.messageId).toBe(messageId);
    }
    // First everyone the server would take, then the greylisted contact alone.
    expect(greyMailsWith(messageId).map((m) => [...m.to].sort())).toEqual([[anna, cia].sort(), [bo]]);
    expect(asked.filter((a) => a === bo)).toHaveLength(3);
    expect(asked.filter((a) => a === anna)).toHaveLength(1);
    expect(asked.filter((a) => a === cia)).toHaveLength(1);
    // The history shows when each got it, and no failure.
    expect(await mailEvents(f.requestId)).toEqual([
      { event: 'CONTACTS_NOTIFIED', to: [anna, cia].sort() },
      { event: 'CONTACTS_NOTIFIED', to: [bo] },
    ]);
    const rows = await sentMailRows(f.requestId);
    expect(rows).toEqual([expect.objectContaining({ status: 'SENT', pending_recipients: null, error: null })]);

    // Done: another attempt sends nothing.
    await expect(untilDone(input)).resolves.toMatchObject({ result: 'ALREADY_SENT', attempts: 1 });
    expect(greyMailsWith(messageId)).toHaveLength(2);
  });

  test('all recipients greylisted once: nothing was delivered, so the whole mail goes later, once to everyone', async () => {
    const id = uid();
    const contacts = [`anna-${id}@grey.test`, `bo-${id}@grey.test`, `cia-${id}@grey.test`];
    for (const c of contacts) greylisted.set(c, 1);
    const f = await createRequest({ contacts });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });
    const messageId = messageIdOf(f.requestId, 'ANSWERED_NO', 0);

    const { result, attempts, failures } = await untilDone({
      requestId: f.requestId,
      occasion: 'ANSWERED_NO',
      sequence: 0,
    });

    expect(result).toBe('SENT');
    expect(attempts).toBe(2);
    // nodemailer itself rejects a send that no recipient accepted, with the server's 450.
    expect(failures).toEqual([expect.objectContaining({ code: 'EENVELOPE', responseCode: 450 })]);
    expect(isPermanentMailFailure(failures[0])).toBe(false);
    expect(greyMailsWith(messageId).map((m) => [...m.to].sort())).toEqual([[...contacts].sort()]);
    for (const contact of contacts) expect(mailsTo(contact)).toHaveLength(1);
    expect(await mailEvents(f.requestId)).toEqual([{ event: 'CONTACTS_NOTIFIED', to: [...contacts].sort() }]);
    expect(await sentMailRows(f.requestId)).toEqual([
      expect.objectContaining({ status: 'SENT', pending_recipients: null }),
    ]);
  });

  test('a 5xx stays final while a 4xx is tried again: the refused contact is recorded once and never asked again', async () => {
    const id = uid();
    const [good, bad, later] = [`good-${id}@aby.test`, `bad-${id}${REJECTING_DOMAIN}`, `later-${id}@grey.test`];
    greylisted.set(later, 1);
    const f = await createRequest({ contacts: [good, bad, later] });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });
    const messageId = messageIdOf(f.requestId, 'ANSWERED_NO', 0);

    const { result, attempts } = await untilDone({ requestId: f.requestId, occasion: 'ANSWERED_NO', sequence: 0 });

    expect(result).toBe('SENT');
    expect(attempts).toBe(2);
    expect(greyMailsWith(messageId).map((m) => m.to)).toEqual([[good], [later]]);
    expect(mailsTo(bad)).toHaveLength(0);
    // Refused once, and not tried again with the greylisted contact.
    expect(asked.filter((a) => a === bad)).toHaveLength(1);
    expect(asked.filter((a) => a === later)).toHaveLength(2);
    expect(await mailEvents(f.requestId)).toEqual([
      { event: 'CONTACTS_NOTIFIED', to: [good] },
      { event: 'MAIL_FAILED', to: [bad] },
      { event: 'CONTACTS_NOTIFIED', to: [later] },
    ]);
  });

  test('an attempt handed the details of an earlier, recorded send sends only to the deferred contact, and records nothing twice', async () => {
    const id = uid();
    const [anna, bo] = [`anna-${id}@aby.test`, `bo-${id}@grey.test`];
    greylisted.set(bo, 1);
    const f = await createRequest({ contacts: [anna, bo] });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });
    const input = { requestId: f.requestId, occasion: 'ANSWERED_NO' as const, sequence: 0 };
    const messageId = messageIdOf(f.requestId, 'ANSWERED_NO', 0);
    const env = new MockActivityEnvironment(
      { startToCloseTimeoutMs: ACTIVITY_TIMEOUTS.mail.startToCloseMs },
      { logger: new DefaultLogger('WARN', () => undefined) },
    );
    await expect(env.run((i: SendRequestMailInput) => greyActivities.sendRequestMail(i), input)).rejects.toMatchObject({
      type: 'MailDeferred',
    });
    expect(await sentMailRows(f.requestId)).toEqual([
      expect.objectContaining({ status: 'DEFERRED', pending_recipients: [bo] }),
    ]);

    // Temporal hands the next attempt the last details the first one heartbeated: that its send
    // is out (had it heartbeated after the send). The record shows that send recorded already.
    const { result, attempts } = await untilDone(input, { sent: { refused: [], deferred: [bo] } });

    expect(result).toBe('SENT');
    expect(attempts).toBe(1);
    expect(greyMailsWith(messageId).map((m) => m.to)).toEqual([[anna], [bo]]);
    expect(await mailEvents(f.requestId)).toEqual([
      { event: 'CONTACTS_NOTIFIED', to: [anna] },
      { event: 'CONTACTS_NOTIFIED', to: [bo] },
    ]);
  });

  test('a worker that died after the retry reached the deferred contact: the next attempt records it and sends nothing', async () => {
    const id = uid();
    const [anna, bo] = [`anna-${id}@aby.test`, `bo-${id}@grey.test`];
    const f = await createRequest({ contacts: [anna, bo] });
    await setState(f.requestId, { status: 'DECLINED', response: 'NO' });
    // Anna got the mail and is recorded; the retry for Bo claimed it, sent, heartbeated that and died.
    await database.db
      .insertInto('sent_mail')
      .values({
        request_id: f.requestId,
        occasion: 'ANSWERED_NO',
        sequence: 0,
        message_id: messageIdOf(f.requestId, 'ANSWERED_NO', 0),
        recipients: `${anna}, ${bo}`,
        status: 'SENDING',
        claimed_at: new Date(),
        sent_at: new Date(),
        pending_recipients: [bo],
      })
      .execute();

    const { result, attempts } = await untilDone(
      { requestId: f.requestId, occasion: 'ANSWERED_NO', sequence: 0 },
      { sent: { to: [bo], refused: [] } },
    );

    expect(result).toBe('SENT');
    expect(attempts).toBe(1);
    expect(mailsTo(anna)).toHaveLength(0);
    expect(mailsTo(bo)).toHaveLength(0);
    expect(await mailEvents(f.requestId)).toEqual([{ event: 'CONTACTS_NOTIFIED', to: [bo] }]);
    expect(await sentMailRows(f.requestId)).toEqual([
      expect.objectContaining({ status: 'SENT', pending_recipients: null }),
    ]);
  });
});

describe('refusedRecipients', () => {
  test('tells recipients refused for good (5xx) from those refused for now (4xx, 503, no code)', () => {
    const error = (recipient: string, responseCode?: number) => ({ recipient, responseCode });
    expect(
      refusedRecipients({
        rejected: ['a@x.test', { address: 'b@x.test' }, 'c@x.test', 'd@x.test', 'e@x.test'],
        rejectedErrors: [
          error('a@x.test', 550),
          error('b@x.test', 450),
          error('c@x.test', 503),
          error('d@x.test', 421),
          error('e@x.test'),
        ],
      }),
    ).toEqual({ refused: ['a@x.test'], deferred: ['b@x.test', 'c@x.test', 'd@x.test', 'e@x.test'] });
    expect(refusedRecipients({ rejected: [] })).toEqual({ refused: [], deferred: [] });
  });
});
