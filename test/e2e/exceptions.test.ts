/**
 * Support's exceptions through HTTP on the real stack (Temporal dev server, PostgreSQL, an SMTP
 * listener, the worker and the API): extending a deadline, reopening a NO, resending the partner's
 * notification; who is told, what the request shows afterwards, and what is refused and changes
 * nothing. Dates come from the run date and the calendar oracle.
 */
import crypto from 'node:crypto';
import type { Locale } from '../../domain/locale';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';
import {
  assignmentDeadlineDateOracle,
  calendarDaysAfter,
  endOfDayOracle,
  isWorkingDayOracle,
  longDateOracle,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  workingDayBeforeOracle,
  workingDaysBetweenOracle,
} from '../helpers/calendar-oracle';
import type { ReceivedMail } from '../helpers/smtp';

let stack: TestStack;
let call: ReturnType<typeof api>;
/** A desired availability months after the run date, so the deadline is five working days after the YES. */
const DESIRED = calendarDaysAfter(new Date(), 200);

beforeAll(async () => {
  stack = await startStack();
  call = api(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

type Response = Awaited<ReturnType<ReturnType<typeof api>>>;

async function newPartner(locale: Locale = 'en') {
  const id = `partner-${crypto.randomBytes(4).toString('hex')}`;
  const notificationEmail = `${id}@partner.test`;
  const created = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id, name: 'Acme Learning', notificationEmail, locale },
  });
  expect(created.status).toBe(201);
  return { id, notificationEmail, apiKey: created.body.apiKey as string };
}

async function newRequest(partnerId: string) {
  const tag = crypto.randomBytes(3).toString('hex');
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId,
      organisation: { skolonId: `org-${tag}`, name: `Skolonkommunen ${tag}` },
      schools: [
        { skolonId: 'sch-1', name: 'Norra skolan' },
        { skolonId: 'sch-2', name: 'Södra skolan' },
      ],
      desiredAvailability: DESIRED,
      contacts: [
        { name: 'Anna Andersson', email: `anna-${tag}@kommun.test` },
        { name: 'Bo Berg', email: `bo-${tag}@kommun.test` },
      ],
    },
  });
  expect(created.status).toBe(201);
  return {
    id: created.body.id as string,
    org: `Skolonkommunen ${tag}`,
    contacts: [`anna-${tag}@kommun.test`, `bo-${tag}@kommun.test`],
  };
}

/** A partner with a request it has answered YES for (both schools): AWAITING_ASSIGNMENT with a deadline. */
async function answeredYes() {
  const partner = await newPartner();
  const request = await newRequest(partner.id);
  const answered = await call('POST', `/v1/license-requests/${request.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'YES' },
  });
  expect(answered.body).toMatchObject({ status: 'AWAITING_ASSIGNMENT' });
  const deadlineDate = assignmentDeadlineDateOracle(new Date(answered.body.answeredAt), DESIRED);
  expect(answered.body.deadline).toBe(endOfDayOracle(deadlineDate));
  return { partner, request, deadlineDate };
}

async function answeredNo() {
  const partner = await newPartner();
  const request = await newRequest(partner.id);
  const answered = await call('POST', `/v1/license-requests/${request.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'NO' },
  });
  expect(answered.body).toMatchObject({ status: 'DECLINED', response: 'NO' });
  return { partner, request };
}

const extend = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  call('POST', `/v1/license-requests/${id}/deadline`, { token: ADMIN_TOKEN, body, headers });
const reopen = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  call('POST', `/v1/license-requests/${id}/reopen`, { token: ADMIN_TOKEN, body, headers });
const resend = (id: string, headers: Record<string, string> = {}) =>
  call('POST', `/v1/license-requests/${id}/notifications/resend`, { token: ADMIN_TOKEN, body: {}, headers });

async function getRequest(id: string, token = ADMIN_TOKEN): Promise<any> {
  const res = await call('GET', `/v1/license-requests/${id}`, { token });
  expect(res.status).toBe(200);
  return res.body;
}

/** Mail going out adds history events in the background; these compare what else the request holds. */
const MAIL_EVENTS = ['PARTNER_NOTIFIED', 'PARTNER_REMINDED', 'CONTACTS_NOTIFIED', 'MAIL_FAILED', 'REMINDER_SKIPPED'];
const withoutMailEvents = (request: any): any => ({
  ...request,
  history: request.history.filter((e: any) => !MAIL_EVENTS.includes(e.event)),
});
const events = (request: any): string[] => withoutMailEvents(request).history.map((e: any) => e.event);

function expectError(res: Response, status: number, code?: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({
    status,
    code: code ?? expect.any(String),
  });
}

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address);
const about = (requestId: string) => (mail: ReceivedMail) => mail.messageId.includes(requestId);

/** A counter from /metrics (the stack's API and worker share one process, so both count here). */
async function counter(name: string): Promise<number> {
  const text = (await fetch(`${stack.apiUrl}/metrics`).then((r) => r.text())).split('\n');
  const line = text.find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('extending the deadline', () => {
  test('a later working day: the partner and the contacts are mailed, the request shows the new deadline and DEADLINE_EXTENDED', async () => {
    const { partner, request, deadlineDate } = await answeredYes();
    const extendedBefore = await counter('license_requests_deadline_extended_total');
    const date = nthWorkingDayAfterOracle(deadlineDate, 2);
    const res = await extend(request.id, { date, reason: "The school's licenses are being renewed." });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'AWAITING_ASSIGNMENT', deadline: endOfDayOracle(date) });

    // Read-your-writes: the GET shows it, with from, to, reason and by.
    const stored = await getRequest(request.id, partner.apiKey);
    expect(stored.deadline).toBe(endOfDayOracle(date));
    const extension = stored.history.find((e: any) => e.event === 'DEADLINE_EXTENDED');
    expect(extension.detail).toEqual({
      from: endOfDayOracle(deadlineDate),
      to: endOfDayOracle(date),
      reason: "The school's licenses are being renewed.",
      by: { role: 'admin' },
    });

    // The partner (English): the new date, the working days left and the reason.
    const [toPartner] = await stack.smtp.waitFor(
      (m) => to(partner.notificationEmail)(m) && about(request.id)(m) && m.subject.startsWith('New deadline'),
    );
    expect(toPartner!.subject).toContain(longDateOracle(date, 'en'));
    expect(toPartner!.text).toContain("Reason: The school's licenses are being renewed.");
    const left = workingDaysBetweenOracle(stockholmDateOf(new Date()), date);
    expect(toPartner!.text).toMatch(new RegExp(`Working days left:?\\s+${left}\\b`));
    // The contacts (Swedish): the partner has more time, until the new date.
    const [toContacts] = await stack.smtp.waitFor((m) => about(request.id)(m) && m.subject.includes('mer tid'));
    expect(toContacts!.to.sort()).toEqual([...request.contacts].sort());
    expect(toContacts!.text).toContain(longDateOracle(date, 'sv'));

    expect(await counter('license_requests_deadline_extended_total')).toBe(extendedBefore + 1);
  });

  test('bad dates are 400 invalid_deadline and change nothing; other statuses are 409', async () => {
    const { request, deadlineDate } = await answeredYes();
    const before = withoutMailEvents(await getRequest(request.id));
    let notWorking = calendarDaysAfter(deadlineDate, 1);
    while (isWorkingDayOracle(notWorking)) notWorking = calendarDaysAfter(notWorking, 1);
    const bad: Array<[unknown, string]> = [
      [notWorking, 'NOT_A_WORKING_DAY'],
      [workingDayBeforeOracle(stockholmDateOf(new Date())), 'IN_THE_PAST'],
      [deadlineDate, 'NOT_AFTER_CURRENT_DEADLINE'],
      ['2027-02-30', 'must be a real date as YYYY-MM-DD'],
    ];
    for (const [date, problem] of bad) {
      const res = await extend(request.id, { date, reason: 'Renewal' });
      expectError(res, 400, 'invalid_deadline');
      expect({ date, details: res.body.error.details }).toEqual({
        date,
        details: [{ field: 'date', message: problem }],
      });
    }
    expectError(await extend(request.id, { date: nthWorkingDayAfterOracle(deadlineDate, 1), reason: ' ' }), 400);
    expectError(await extend(request.id, { date: nthWorkingDayAfterOracle(deadlineDate, 1) }), 400);
    expect(withoutMailEvents(await getRequest(request.id))).toEqual(before);

    // Before the YES: there is no deadline to extend.
    const partner = await newPartner();
    const unanswered = await newRequest(partner.id);
    const later = nthWorkingDayAfterOracle(stockholmDateOf(new Date()), 10);
    expectError(await extend(unanswered.id, { date: later, reason: 'x' }), 409);
    expect((await getRequest(unanswered.id)).deadline).toBeNull();
  });

  test('with an Idempotency-Key a retry returns the same request and extends once; the key with another body is 409', async () => {
    const { request, deadlineDate } = await answeredYes();
    const key = `extend-${crypto.randomUUID()}`;
    const date = nthWorkingDayAfterOracle(deadlineDate, 3);
    const first = await extend(request.id, { date, reason: 'Renewal' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    const again = await extend(request.id, { date, reason: 'Renewal' }, { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.body.deadline).toBe(first.body.deadline);
    expect(events(again.body).filter((e) => e === 'DEADLINE_EXTENDED')).toHaveLength(1);
    const other = await extend(
      request.id,
      { date: nthWorkingDayAfterOracle(date, 1), reason: 'Renewal' },
      {
        'Idempotency-Key': key,
      },
    );
    expectError(other, 409, 'idempotency_key_reused');
    expect((await getRequest(request.id)).deadline).toBe(endOfDayOracle(date));
  });
});

describe('reopening a NO', () => {
  test('the request awaits an answer again (same id, every school PENDING), the partner is mailed with the reason, and it can be answered again', async () => {
    const { partner, request } = await answeredNo();
    const reopenedBefore = await counter('license_requests_reopened_total');
    const res = await reopen(request.id, { reason: 'The partner answered NO on the wrong request.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: request.id,
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      answeredAt: null,
      deadline: null,
      finishedAt: null,
    });
    expect(res.body.schools.map((s: any) => s.assignment)).toEqual(['PENDING', 'PENDING']);
    // Both the NO and the reopening stay in the history.
    const stored = await getRequest(request.id);
    expect(events(stored)).toEqual(['CREATED', 'ANSWERED', 'REOPENED']);
    expect(stored.history.find((e: any) => e.event === 'REOPENED').detail).toEqual({
      reason: 'The partner answered NO on the wrong request.',
      by: { role: 'admin' },
    });

    const [mail] = await stack.smtp.waitFor(
      (m) => to(partner.notificationEmail)(m) && about(request.id)(m) && m.subject.includes('open again'),
    );
    expect(mail!.text).toContain('Reason: The partner answered NO on the wrong request.');
    expect(mail!.text).toContain(`https://licenses.skolon.test/portal/requests/${request.id}`);
    expect(await counter('license_requests_reopened_total')).toBe(reopenedBefore + 1);

    // The partner answers again, through the API: the reopened request takes a YES.
    const yes = await call('POST', `/v1/license-requests/${request.id}/answer`, {
      token: partner.apiKey,
      body: { response: 'YES', schools: ['sch-1'] },
    });
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES' });
    expect(yes.body.deadline).toBe(
      endOfDayOracle(assignmentDeadlineDateOracle(new Date(yes.body.answeredAt), DESIRED)),
    );
  });

  test('reopening twice at once: one 200, one 409, and one REOPENED', async () => {
    const { request } = await answeredNo();
    const both = await Promise.all([reopen(request.id, { reason: 'first' }), reopen(request.id, { reason: 'second' })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const stored = await getRequest(request.id);
    expect(events(stored).filter((e) => e === 'REOPENED')).toHaveLength(1);
    expect(stored.status).toBe('AWAITING_ANSWER');
  });

  test('a request that is not DECLINED cannot be reopened (409), a blank reason is 400, and nothing changes', async () => {
    const partner = await newPartner();
    const open = await newRequest(partner.id);
    expectError(await reopen(open.id, { reason: 'x' }), 409);
    const { request } = await answeredNo();
    expectError(await reopen(request.id, { reason: '' }), 400);
    expectError(await reopen(request.id, {}), 400);
    expect((await getRequest(request.id)).status).toBe('DECLINED');
  });
});

describe("resending the partner's notification", () => {
  test('a new mail with a new Message-ID, NOTIFICATION_RESENT; with an Idempotency-Key a retry sends no second mail', async () => {
    const partner = await newPartner();
    const request = await newRequest(partner.id);
    const [original] = await stack.smtp.waitFor((m) => to(partner.notificationEmail)(m) && about(request.id)(m));
    const res = await resend(request.id);
    expect(res.status).toBe(200);
    expect(events(res.body)).toContain('NOTIFICATION_RESENT');
    const both = await stack.smtp.waitFor(
      (m) => to(partner.notificationEmail)(m) && about(request.id)(m) && m.subject === original!.subject,
      2,
    );
    expect(new Set(both.map((m) => m.messageId)).size).toBe(2);

    const key = `resend-${crypto.randomUUID()}`;
    expect((await resend(request.id, { 'Idempotency-Key': key })).status).toBe(200);
    expect((await resend(request.id, { 'Idempotency-Key': key })).status).toBe(200);
    await stack.smtp.waitFor((m) => to(partner.notificationEmail)(m) && about(request.id)(m), 3);
    const stored = await getRequest(request.id);
    expect(events(stored).filter((e) => e === 'NOTIFICATION_RESENT')).toHaveLength(2);
    // Give a second mail the time to come, if one were on its way.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(stack.smtp.mails.filter((m) => to(partner.notificationEmail)(m) && about(request.id)(m))).toHaveLength(3);
  });
});

describe('refusals', () => {
  test('finished requests answer 409 to every exception, and nothing changes', async () => {
    const { partner, request } = await answeredYes();
    const completed = await call('POST', `/v1/license-requests/${request.id}/assignments`, {
      token: partner.apiKey,
      body: { schools: ['sch-1', 'sch-2'] },
    });
    expect(completed.body.status).toBe('COMPLETED');
    const withdrawnRequest = await newRequest(partner.id);
    expect(
      (await call('POST', `/v1/license-requests/${withdrawnRequest.id}/withdraw`, { token: ADMIN_TOKEN })).status,
    ).toBe(200);
    const { request: declined } = await answeredNo();
    const later = nthWorkingDayAfterOracle(stockholmDateOf(new Date()), 10);
    for (const id of [request.id, withdrawnRequest.id]) {
      const before = withoutMailEvents(await getRequest(id));
      expectError(await extend(id, { date: later, reason: 'x' }), 409);
      expectError(await reopen(id, { reason: 'x' }), 409);
      expectError(await resend(id), 409);
      expect(withoutMailEvents(await getRequest(id))).toEqual(before);
    }
    expectError(await extend(declined.id, { date: later, reason: 'x' }), 409);
    expectError(await resend(declined.id), 409);
  });

  test("a partner's key is 403, an unknown id 404, a path id that is no UUID 400", async () => {
    const { partner, request, deadlineDate } = await answeredYes();
    const body = { date: nthWorkingDayAfterOracle(deadlineDate, 1), reason: 'x' };
    for (const [suffix, payload] of [
      ['deadline', body],
      ['reopen', { reason: 'x' }],
      ['notifications/resend', {}],
    ] as const) {
      const path = `/v1/license-requests/${request.id}/${suffix}`;
      expectError(await call('POST', path, { token: partner.apiKey, body: payload }), 403, 'forbidden');
      expectError(await call('POST', path, { body: payload }), 401);
      expectError(
        await call('POST', `/v1/license-requests/${crypto.randomUUID()}/${suffix}`, {
          token: ADMIN_TOKEN,
          body: payload,
        }),
        404,
      );
      expectError(
        await call('POST', `/v1/license-requests/nope/${suffix}`, { token: ADMIN_TOKEN, body: payload }),
        400,
      );
    }
    expect((await getRequest(request.id)).deadline).toBe(endOfDayOracle(deadlineDate));
  });
});
