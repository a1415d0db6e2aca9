/**
 * What an operator reads: the API's JSON log lines (one per call, with its request id, the partner
 * and the request it concerned, and never a credential) and its Prometheus metrics (HTTP calls by
 * route template, business counters counted once). The SDK's worker metrics beside them are checked
 * with separate processes in processes.test.ts (the SDK's exporter is process-wide).
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../observability/logger';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

const METRICS_TOKEN = 'metrics-secret-token';
const logLines: string[] = [];
let stack: TestStack;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  stack = await startStack({
    logger: createLogger({ service: 'api', level: 'info', destination }),
    env: { METRICS_TOKEN },
  });
  call = api(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const logged = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
const accessLinesOf = (requestId: string | null) =>
  logged().filter((l) => l.msg === 'request' && l.requestId === requestId);

async function metrics(): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain;.* version=0\.0\.4/);
  return res.text();
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function newPartner(id: string) {
  const created = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id, name: `${id} AB`, notificationEmail: `${id}@partner.test` },
  });
  expect(created.status).toBe(201);
  return created.body.apiKey as string;
}

const createBody = (partnerId: string, tag: string) => ({
  partnerId,
  organisation: { skolonId: `org-${tag}`, name: `Kommun ${tag}` },
  schools: [{ skolonId: 'sch-1', name: 'Skola 1' }],
  contacts: [{ name: 'Anna', email: `anna-${tag}@kommun.test` }],
});

test('every call has one access log line with its request id, route, status, role, partner and request', async () => {
  const key = await newPartner('obs-logs');
  const created = await call('POST', '/v1/license-requests', { token: ADMIN_TOKEN, body: createBody('obs-logs', 'a') });
  const answered = await call('POST', `/v1/license-requests/${created.body.id}/answer`, {
    token: key,
    body: { response: 'NO' },
    headers: { 'x-request-id': 'caller-chosen-id-42' },
  });
  expect(answered.status).toBe(200);
  expect(answered.headers.get('x-request-id')).toBe('caller-chosen-id-42');

  expect(accessLinesOf(created.headers.get('x-request-id'))).toEqual([
    expect.objectContaining({
      level: 'info',
      service: 'api',
      method: 'POST',
      route: '/v1/license-requests',
      status: 201,
      role: 'admin',
      durationMs: expect.any(Number),
    }),
  ]);
  expect(accessLinesOf(created.headers.get('x-request-id'))[0]).not.toHaveProperty('licenseRequestId');
  expect(accessLinesOf('caller-chosen-id-42')).toEqual([
    expect.objectContaining({
      route: '/v1/license-requests/:id/answer',
      status: 200,
      role: 'partner',
      partnerId: 'obs-logs',
      licenseRequestId: created.body.id,
    }),
  ]);
  const unknown = await call('GET', '/v1/nothing-here', { token: key });
  expect(accessLinesOf(unknown.headers.get('x-request-id'))).toEqual([
    expect.objectContaining({ route: 'unmatched', status: 404 }),
  ]);
});

test('no credential reaches the log: not the admin token, a partner key, a rotated key nor a wrong token', async () => {
  const key = await newPartner('obs-secrets');
  const rotated = await call('POST', '/v1/partner/api-key', { token: key });
  expect(rotated.status).toBe(201);
  const wrong = await call('GET', '/v1/license-requests', { token: 'lrk_guessed-wrong-token' });
  expect(wrong.status).toBe(401);
  expect(accessLinesOf(wrong.headers.get('x-request-id'))).toEqual([expect.objectContaining({ status: 401 })]);
  const all = logLines.join('\n');
  for (const secret of [ADMIN_TOKEN, key, rotated.body.apiKey as string, 'lrk_guessed-wrong-token', METRICS_TOKEN]) {
    expect(all).not.toContain(secret);
  }
});

test('/metrics counts calls by route template and business events once each', async () => {
  const key = await newPartner('obs-metrics');
  const before = await metrics();

  const body = createBody('obs-metrics', 'm');
  const first = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body,
    headers: { 'idempotency-key': 'obs-create-1' },
  });
  // A retry of the same create is the same request: not counted again.
  const retried = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body,
    headers: { 'idempotency-key': 'obs-create-1' },
  });
  expect(retried.body.id).toBe(first.body.id);
  const second = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: createBody('obs-metrics', 'n'),
  });
  await call('POST', `/v1/license-requests/${first.body.id}/answer`, { token: key, body: { response: 'YES' } });
  await call('POST', `/v1/license-requests/${first.body.id}/assignments`, { token: key, body: { schools: ['sch-1'] } });
  await call('POST', `/v1/license-requests/${second.body.id}/withdraw`, { token: ADMIN_TOKEN, body: {} });
  await stack.smtp.waitFor((m) => m.to.includes('anna-m@kommun.test') && m.messageId.includes(first.body.id), 2);
  await stack.smtp.waitFor((m) => m.to.includes('obs-metrics@partner.test'), 3);

  const after = await metrics();
  const delta = (series: string) => sample(after, series) - sample(before, series);
  expect({
    created: delta('license_requests_created_total'),
    yes: delta('license_requests_answered_total{response="YES"}'),
    no: delta('license_requests_answered_total{response="NO"}'),
    completed: delta('license_requests_completed_total'),
    withdrawn: delta('license_requests_withdrawn_total'),
    answerCalls: delta('http_requests_total{method="POST",route="/v1/license-requests/:id/answer",status="200"}'),
    createCalls: delta('http_requests_total{method="POST",route="/v1/license-requests",status="201"}'),
  }).toEqual({ created: 2, yes: 1, no: 0, completed: 1, withdrawn: 1, answerCalls: 1, createCalls: 3 });
  // A mail is counted when the activity records it as sent, just after the SMTP server took it.
  let mails = await metrics();
  const counted = (text: string) =>
    sample(text, 'license_request_mails_sent_total{occasion="COMPLETED"}') > 0 &&
    sample(text, 'license_request_mails_sent_total{occasion="WITHDRAWN"}') > 0;
  for (let i = 0; i < 100 && !counted(mails); i++) {
    await new Promise((r) => setTimeout(r, 100));
    mails = await metrics();
  }
  expect(mails.split('\n').filter((l) => l.startsWith('license_request_mails_sent_total{'))).toEqual(
    expect.arrayContaining([
      'license_request_mails_sent_total{occasion="COMPLETED"} 1',
      'license_request_mails_sent_total{occasion="WITHDRAWN"} 1',
    ]),
  );
  // Request ids never become label values (one series per id would grow without end).
  expect(after).not.toContain(first.body.id);
  expect(after).toMatch(
    /^http_request_duration_seconds_bucket\{le="0\.1",method="POST",route="\/v1\/license-requests"/m,
  );
  expect(after).toMatch(/^nodejs_heap_size_used_bytes /m);
});

test('/metrics needs METRICS_TOKEN when one is configured', async () => {
  const anonymous = await fetch(`${stack.apiUrl}/metrics`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  const wrong = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
  expect(wrong.status).toBe(401);
});
