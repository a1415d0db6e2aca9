/**
 * The sender against real receivers on loopback. Every refusal is checked where it matters: the
 * receiver that the refused URL would have reached gets nothing. Names are resolved by a resolver
 * of the test's own, given through the same hook the system's goes through, and only ever to
 * loopback addresses, so that no test could send anything off this machine even if the guard failed.
 */
import type { LookupFunction } from 'node:net';
import { startWebhookReceiver, type WebhookReceiver } from '../dev/webhook-receiver';
import { DELIVERY_TIMEOUT_MS } from '../domain/webhooks';
import { createWebhookSender, type WebhookSender } from './webhook-sender';

let plain: WebhookReceiver;
let tls: WebhookReceiver;
const senders: WebhookSender[] = [];

beforeAll(async () => {
  [plain, tls] = await Promise.all([
    startWebhookReceiver(),
    startWebhookReceiver({ https: true, names: ['hooks.partner.test'] }),
  ]);
});

afterAll(async () => {
  for (const sender of senders) sender.close();
  await Promise.all([plain?.close(), tls?.close()]);
});

beforeEach(() => {
  for (const receiver of [plain, tls]) {
    receiver.received.length = 0;
    receiver.fallback = 204;
  }
});

function sender(options: Parameters<typeof createWebhookSender>[0]): WebhookSender {
  const created = createWebhookSender(options);
  senders.push(created);
  return created;
}

/** A resolver that answers every name with these addresses, as dns.lookup would. */
function resolvingTo(...addresses: string[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const all = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options?.all) callback(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  }) as unknown as LookupFunction;
}

const body = JSON.stringify({ type: 'license_request.created', timestamp: new Date().toISOString(), data: {} });
const headers = {
  'webhook-id': 'msg_1',
  'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
  'webhook-signature': 'v1,abc',
};

describe('with WEBHOOK_ALLOW_INSECURE (development and tests)', () => {
  const insecure = () => sender({ allowInsecure: true, ca: tls.ca });

  test('a 2xx is delivered, with its status and latency; the receiver gets the body and headers as sent', async () => {
    plain.answer(204);
    const result = await insecure().send({ url: `${plain.origin}/hooks?x=1`, headers, body });
    expect(result).toEqual({ kind: 'delivered', status: 204, latencyMs: expect.any(Number) });
    const [request] = plain.received;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks?x=1', body });
    expect(request!.headers).toMatchObject({ ...headers, 'content-type': 'application/json' });
  });

  test('over https too (a receiver with a certificate the sender trusts)', async () => {
    tls.answer(200);
    expect(await insecure().send({ url: `${tls.origin}/in`, headers, body })).toMatchObject({
      kind: 'delivered',
      status: 200,
    });
    expect(tls.received).toHaveLength(1);
  });

  test('any other status is retryable, 410 is gone, and a redirect is not followed', async () => {
    const send = insecure();
    plain.answer(500, 429, 400, 410, { status: 302, headers: { location: `${plain.origin}/elsewhere` } });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await send.send({ url: `${plain.origin}/in`, headers, body }));
    expect(results).toEqual([
      { kind: 'retryable', status: 500, latencyMs: expect.any(Number), error: 'HTTP 500' },
      { kind: 'retryable', status: 429, latencyMs: expect.any(Number), error: 'HTTP 429' },
      { kind: 'retryable', status: 400, latencyMs: expect.any(Number), error: 'HTTP 400' },
      { kind: 'gone', status: 410, latencyMs: expect.any(Number) },
      { kind: 'retryable', status: 302, latencyMs: expect.any(Number), error: 'HTTP 302' },
    ]);
    expect(plain.received.map((r) => r.path)).toEqual(['/in', '/in', '/in', '/in', '/in']);
  });

  test('a receiver that never answers fails the attempt at the timeout (10 s by default), retryable', async () => {
    expect(DELIVERY_TIMEOUT_MS).toBe(10_000);
    plain.answer('hang');
    const started = Date.now();
    const result = await sender({ allowInsecure: true, timeoutMs: 400 }).send({
      url: `${plain.origin}/in`,
      headers,
      body,
    });
    expect(result).toEqual({ kind: 'retryable', status: null, latencyMs: null, error: 'no answer within 0.4 s' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('no connection (nothing listens) is retryable', async () => {
    const closed = await startWebhookReceiver();
    await closed.close();
    const result = await insecure().send({ url: `${closed.origin}/in`, headers, body });
    expect(result).toMatchObject({ kind: 'retryable', status: null, error: expect.stringMatching(/^ECONNREFUSED/) });
  });

  test('the unspecified address stays refused', async () => {
    const result = await insecure().send({ url: `http://0.0.0.0:${plain.port}/in`, headers, body });
    expect(result).toMatchObject({ kind: 'refused', error: expect.stringMatching(/not allowed/) });
    expect(plain.received).toHaveLength(0);
  });
});

describe('in production (insecure URLs not allowed)', () => {
  const secure = (lookup?: LookupFunction) => sender({ allowInsecure: false, ca: tls.ca, ...(lookup && { lookup }) });

  test('http is refused, even to a receiver that would answer', async () => {
    const result = await secure().send({ url: `${plain.origin}/in`, headers, body });
    expect(result).toEqual({ kind: 'refused', error: expect.stringMatching(/https:\/\//) });
    expect(plain.received).toHaveLength(0);
  });

  test('localhost, loopback, private, link-local and unique-local addresses are refused before any connection', async () => {
    for (const url of [
      `https://localhost:${tls.port}/in`,
      `https://127.0.0.1:${tls.port}/in`,
      `https://[::1]:${tls.port}/in`,
      'https://10.1.2.3/in',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00::1]/in',
    ]) {
      expect([url, await secure().send({ url, headers, body })]).toEqual([
        url,
        { kind: 'refused', error: expect.any(String) },
      ]);
    }
    expect(tls.received).toHaveLength(0);
  });

  test('a name that resolves to a loopback address is refused by the guard on the connection itself', async () => {
    for (const address of ['127.0.0.1', '::1']) {
      const result = await secure(resolvingTo(address)).send({
        url: `https://hooks.partner.test:${tls.port}/in`,
        headers,
        body,
      });
      expect(result).toEqual({ kind: 'refused', error: expect.stringMatching(/not allowed.*private IP address/) });
    }
    expect(tls.received).toHaveLength(0);
  });

  test('the same name, resolved to that receiver with the guard relaxed, does reach it (so the refusal above is the guard)', async () => {
    tls.answer(204);
    const relaxed = sender({ allowInsecure: true, ca: tls.ca, lookup: resolvingTo('127.0.0.1') });
    expect(await relaxed.send({ url: `https://hooks.partner.test:${tls.port}/in`, headers, body })).toMatchObject({
      kind: 'delivered',
    });
    expect(tls.received).toHaveLength(1);
  });
});
