/**
 * The whole process through HTTP on the real stack: Temporal dev server, PostgreSQL, an SMTP
 * listener, the worker and the API. What a partner, the organisation's contacts and an operator see.
 */
import crypto from 'node:crypto';
import { createLicenseRequestWorkflow } from '../../services/start-workflow';
import type { Locale } from '../../domain/locale';
import { licenseRequestWorkflowId } from '../../workflows/definitions';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';
import {
  assignmentDeadlineDateOracle,
  calendarDaysAfter,
  endOfDayOracle,
  longDateOracle,
} from '../helpers/calendar-oracle';
import type { ReceivedMail } from '../helpers/smtp';

let stack: TestStack;
/** A desired availability months after the run date. */
const DESIRED = calendarDaysAfter(new Date(), 200);
let call: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startStack();
  call = api(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

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

async function newRequest(partnerId: string, schools = 3) {
  const tag = crypto.randomBytes(3).toString('hex');
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId,
      organisation: { skolonId: `org-${tag}`, name: `Skolonkommunen ${tag}` },
      schools: Array.from({ length: schools }, (_, i) => ({ skolonId: `sch-${i + 1}`, name: `Skola ${i + 1}` })),
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

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address);
const about = (requestId: string) => (mail: ReceivedMail) => mail.messageId.includes(requestId);

test('whole lifecycle: partner told, YES for a subset, contacts told the deadline, schools assigned, COMPLETED and contacts told', async () => {
  const partner = await newPartner('en');
  const request = await newRequest(partner.id);

  // The partner is notified in English at its notification address, naming the organisation.
  const [created] = await stack.smtp.waitFor((m) => to(partner.notificationEmail)(m) && about(request.id)(m));
  expect(created!.subject).toBe(`New license request from ${request.org}`);
  expect(created!.text).toContain('Number of schools: 3');
  expect(created!.text).toContain(`Desired availability: ${longDateOracle(DESIRED, 'en')}`);
  expect(created!.text).toContain(`https://licenses.skolon.test/portal/requests/${request.id}`);

  // The portal's list shows it unanswered.
  const listed = await call('GET', '/v1/license-requests', { token: partner.apiKey });
  expect(listed.body.summary).toEqual({ answered: 0, notAnswered: 1 });
  expect(listed.body.items[0]).toMatchObject({ id: request.id, numberOfSchools: 3, response: 'UNANSWERED' });

  const answered = await call('POST', `/v1/license-requests/${request.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'YES', schools: ['sch-1', 'sch-2'] },
  });
  expect(answered.status).toBe(200);
  expect(answered.body).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES' });
  // Five working days after the answer (the desired date is months away), by the oracle's calendar.
  const deadlineDate = assignmentDeadlineDateOracle(new Date(answered.body.answeredAt), DESIRED);
  expect(answered.body.deadline).toBe(endOfDayOracle(deadlineDate));
  expect(answered.body.schools.map((s: { assignment: string }) => s.assignment)).toEqual([
    'PENDING',
    'PENDING',
    'NOT_LICENSED',
  ]);

  // Both contacts hear, in Swedish, that the partner has licenses and by when they are assigned.
  const yesMails = await stack.smtp.waitFor((m) => about(request.id)(m) && m.subject.includes('har licenser'));
  expect(yesMails).toHaveLength(1);
  expect(yesMails[0]!.to.sort()).toEqual([...request.contacts].sort());
  expect(yesMails[0]!.text).toContain(`Sista dag för tilldelning: ${longDateOracle(deadlineDate, 'sv')}`);
  expect(yesMails[0]!.text).toContain(request.org);

  await call('POST', `/v1/license-requests/${request.id}/assignments`, {
    token: partner.apiKey,
    body: { schools: ['sch-1'] },
  });
  const done = await call('POST', `/v1/license-requests/${request.id}/assignments`, {
    token: partner.apiKey,
    body: { schools: ['sch-2'] },
  });
  expect(done.body.status).toBe('COMPLETED');
  expect(done.body.finishedAt).not.toBeNull();

  await stack.smtp.waitFor((m) => about(request.id)(m) && m.subject.startsWith('Licenserna från'));
  const history = (await call('GET', `/v1/license-requests/${request.id}`, { token: ADMIN_TOKEN })).body.history.map(
    (h: { event: string }) => h.event,
  );
  expect(history).toEqual(
    expect.arrayContaining([
      'CREATED',
      'PARTNER_NOTIFIED',
      'ANSWERED',
      'DEADLINE_SET',
      'SCHOOLS_ASSIGNED',
      'COMPLETED',
    ]),
  );
  // The workflow has finished with the same status.
  const result = await stack.services.client.workflow.getHandle(licenseRequestWorkflowId(request.id)).result();
  expect(result).toMatchObject({ status: 'COMPLETED' });
  // One mail per occasion: created, YES, completed.
  expect(stack.smtp.mails.filter(about(request.id))).toHaveLength(3);
});

test('partner answers NO: the contacts are told in Swedish that there are no licenses; request DECLINED', async () => {
  const partner = await newPartner('sv');
  const request = await newRequest(partner.id, 1);
  const [created] = await stack.smtp.waitFor((m) => about(request.id)(m));
  expect(created!.subject).toBe(`Ny licensförfrågan från ${request.org}`);

  const declined = await call('POST', `/v1/license-requests/${request.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'NO' },
  });
  expect(declined.body).toMatchObject({ status: 'DECLINED', response: 'NO' });
  const [no] = await stack.smtp.waitFor((m) => about(request.id)(m) && m.subject.includes('har inga licenser'));
  expect(no!.to.sort()).toEqual([...request.contacts].sort());
});

test('the administrator withdraws a request: WITHDRAWN and the partner is told', async () => {
  const partner = await newPartner('en');
  const request = await newRequest(partner.id, 2);
  const withdrawn = await call('POST', `/v1/license-requests/${request.id}/withdraw`, { token: ADMIN_TOKEN, body: {} });
  expect(withdrawn.body.status).toBe('WITHDRAWN');
  const [mail] = await stack.smtp.waitFor((m) => about(request.id)(m) && m.subject.includes('withdrawn'));
  expect(mail!.to).toEqual([partner.notificationEmail]);
});

test('operators find requests in Temporal by status, partner and organisation', async () => {
  const partner = await newPartner('en');
  const request = await newRequest(partner.id, 1);
  await call('POST', `/v1/license-requests/${request.id}/answer`, { token: partner.apiKey, body: { response: 'YES' } });
  const query = `LicenseRequestStatus="AWAITING_ASSIGNMENT" AND PartnerId="${partner.id}"`;
  // Visibility is eventually consistent: poll for a few seconds.
  let found: string[] = [];
  for (let i = 0; i < 50 && found.length === 0; i++) {
    found = [];
    for await (const wf of stack.services.client.workflow.list({ query })) found.push(wf.workflowId);
    if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  expect(found).toEqual([licenseRequestWorkflowId(request.id)]);
  const description = await stack.services.client.workflow.getHandle(licenseRequestWorkflowId(request.id)).describe();
  expect(await description.staticSummary()).toBe(`${request.org} → ${partner.id}, 1 school`);
  const attributes = description.typedSearchAttributes;
  expect(attributes.get({ name: 'AssignmentDeadline', type: 'DATETIME' } as never)).toBeInstanceOf(Date);
});

test('a restart of the worker, the API and the Temporal server with requests in flight loses nothing and sends nothing twice', async () => {
  const partner = await newPartner('en');
  const waiting = await newRequest(partner.id, 2);
  const assigning = await newRequest(partner.id, 2);
  await stack.smtp.waitFor((m) => about(waiting.id)(m) || about(assigning.id)(m), 2);
  await call('POST', `/v1/license-requests/${assigning.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'YES' },
  });
  await call('POST', `/v1/license-requests/${assigning.id}/assignments`, {
    token: partner.apiKey,
    body: { schools: ['sch-1'] },
  });
  await stack.smtp.waitFor((m) => about(assigning.id)(m) && m.subject.includes('har licenser'));

  await stack.restart({ temporal: true });
  call = api(stack);

  // Both requests carry on where they were.
  const stillWaiting = await call('GET', `/v1/license-requests/${waiting.id}`, { token: partner.apiKey });
  expect(stillWaiting.body.status).toBe('AWAITING_ANSWER');
  const yes = await call('POST', `/v1/license-requests/${waiting.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'YES' },
  });
  expect(yes.status).toBe(200);
  const done = await call('POST', `/v1/license-requests/${assigning.id}/assignments`, {
    token: partner.apiKey,
    body: { schools: ['sch-2'] },
  });
  expect(done.body.status).toBe('COMPLETED');
  expect(done.body.schools.map((s: { assignment: string }) => s.assignment)).toEqual(['ASSIGNED', 'ASSIGNED']);
  await stack.smtp.waitFor((m) => about(assigning.id)(m) && m.subject.startsWith('Licenserna från'));
  await stack.smtp.waitFor((m) => about(waiting.id)(m) && m.subject.includes('har licenser'));

  // Exactly one mail per occasion, across the restart.
  const ids = (requestId: string) =>
    stack.smtp.mails
      .filter(about(requestId))
      .map((m) => m.messageId)
      .sort();
  expect(ids(assigning.id)).toHaveLength(3);
  expect(new Set(ids(assigning.id)).size).toBe(3);
  expect(ids(waiting.id)).toHaveLength(2);
}, 120_000);

test('a create whose caller never heard back still reaches the partner, once, and the request is served', async () => {
  const partner = await newPartner('en');
  // What a create leaves behind when the API dies before answering: the workflow, started with its
  // create update. It stores the request itself, so there is nothing half-made to find or undo.
  const id = crypto.randomUUID();
  const input = {
    requestId: id,
    partnerId: partner.id,
    organisation: { skolonId: 'org-crash', name: 'Kraschkommunen' },
    schools: [{ skolonId: 'sch-1', name: 'Skola 1' }],
    desiredAvailability: null,
    contacts: [{ name: 'Anna', email: 'anna-crash@kommun.test' }],
    createdAt: new Date().toISOString(),
  };
  const taskQueue = stack.config.temporal.taskQueue;
  const first = await createLicenseRequestWorkflow(stack.services.client, taskQueue, input);
  expect(first).toMatchObject({ requestId: id, status: 'AWAITING_ANSWER' });
  // The same create again (a retry) finds the workflow and gets the same answer; nothing is stored twice.
  expect(await createLicenseRequestWorkflow(stack.services.client, taskQueue, input)).toEqual(first);
  const shown = await call('GET', `/v1/license-requests/${id}`, { token: partner.apiKey });
  expect(shown.status).toBe(200);
  expect(shown.body.history.filter((h: { event: string }) => h.event === 'CREATED')).toHaveLength(1);
  await stack.smtp.waitFor((m) => about(id)(m) && m.subject.startsWith('New license request'));

  const no = await call('POST', `/v1/license-requests/${id}/answer`, {
    token: partner.apiKey,
    body: { response: 'NO' },
  });
  expect(no.status).toBe(200);
  expect(no.body.status).toBe('DECLINED');
  expect(stack.smtp.mails.filter((m) => about(id)(m) && m.subject.startsWith('New license request'))).toHaveLength(1);
});

test('an answer retried with the same Idempotency-Key gets the first outcome again, not a 409', async () => {
  const partner = await newPartner('en');
  const request = await newRequest(partner.id, 1);
  const answer = (key: string) =>
    call('POST', `/v1/license-requests/${request.id}/answer`, {
      token: partner.apiKey,
      headers: { 'Idempotency-Key': key },
      body: { response: 'YES' },
    });
  const first = await answer('answer-1');
  expect(first.status).toBe(200);
  const retried = await answer('answer-1');
  expect(retried.status).toBe(200);
  expect(retried.body.answeredAt).toBe(first.body.answeredAt);
  // A new key is a new answer, which the status no longer allows.
  expect((await answer('answer-2')).status).toBe(409);
});

test('a NO or a withdrawal retried with the same Idempotency-Key after the request finished gets the first outcome, not a 409', async () => {
  const partner = await newPartner('en');
  const declined = await newRequest(partner.id, 1);
  const no = (key: string) =>
    call('POST', `/v1/license-requests/${declined.id}/answer`, {
      token: partner.apiKey,
      headers: { 'Idempotency-Key': key },
      body: { response: 'NO' },
    });
  const first = await no('no-1');
  expect(first.body.status).toBe('DECLINED');
  // The NO is done (its mail to the contacts has gone out; the workflow now only waits in case
  // support reopens it): the retry (say, after the API died before answering) gets the first outcome.
  await stack.smtp.waitFor((m) => about(declined.id)(m) && m.subject.includes('har inga licenser'));
  const retried = await no('no-1');
  expect(retried.status).toBe(200);
  expect(retried.body).toMatchObject({ status: 'DECLINED', answeredAt: first.body.answeredAt });
  const other = await no('no-2');
  expect(other.status).toBe(409);
  expect(other.body.error.message).toBe('The request is DECLINED: it cannot be answered now.');
  // Without a key, a finished request is refused without asking Temporal.
  const keyless = await call('POST', `/v1/license-requests/${declined.id}/answer`, {
    token: partner.apiKey,
    body: { response: 'NO' },
  });
  expect(keyless.status).toBe(409);

  const withdrawn = await newRequest(partner.id, 1);
  const withdraw = (key: string) =>
    call('POST', `/v1/license-requests/${withdrawn.id}/withdraw`, {
      token: ADMIN_TOKEN,
      headers: { 'Idempotency-Key': key },
      body: {},
    });
  const firstWithdrawal = await withdraw('w-1');
  expect(firstWithdrawal.body.status).toBe('WITHDRAWN');
  await stack.services.client.workflow.getHandle(licenseRequestWorkflowId(withdrawn.id)).result();
  expect((await withdraw('w-1')).body).toMatchObject({
    status: 'WITHDRAWN',
    finishedAt: firstWithdrawal.body.finishedAt,
  });
  expect((await withdraw('w-2')).status).toBe(409);
});
