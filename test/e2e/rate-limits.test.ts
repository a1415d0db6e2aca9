/**
 * Rate limits on the real API (createApp, as the API process builds it) against real PostgreSQL
 * and Temporal: invented tokens are cut off by address before any key lookup, a partner's calls
 * from another address go on, the counts are shared by replicas, and TRUST_PROXY decides which
 * address counts. Two client addresses on one machine: sockets bound to 127.0.0.x (all loopback).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KyselyPlugin } from 'kysely';
import { hashApiKey } from '../../services/credentials';
import { createApp, type AppDeps } from '../../api/app';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/**
 * Counts the partner-key lookups the app sends to PostgreSQL (selects by api_key_hash), with the
 * hash each looked for: the database's own view of what a probe costs.
 */
function keyLookups() {
  const hashes: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      const text = JSON.stringify(node);
      if (node.kind === 'SelectQueryNode' && text.includes('"api_key_hash"')) {
        hashes.push(/"value":"([0-9a-f]{64})"/.exec(text)?.[1] ?? '?');
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { plugin, hashes };
}

/** One API replica on a free loopback port, sharing the stack's database and Temporal. */
async function replica(overrides: Partial<AppDeps> = {}) {
  const lookups = keyLookups();
  const app = createApp({
    db: stack.database.db.withPlugin(lookups.plugin),
    temporal: stack.services.client,
    taskQueue: stack.config.temporal.taskQueue,
    adminToken: ADMIN_TOKEN,
    publicUrl: stack.config.publicUrl,
    ...overrides,
  });
  const server = app.listen(0, '127.0.0.1');
  // Node closes a kept-alive connection after 5 s idle; on a loaded machine a client can send on it
  // just as it closes (ECONNRESET). The probe's clients keep their connections busy, so wait longer.
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lookups: lookups.hashes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A client whose connections come from `address` (kept alive, up to `sockets` at once). */
function clientFrom(address: string, sockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, localAddress: address });
  const request = (
    url: string,
    options: { method?: string; token?: string; headers?: Record<string, string>; body?: unknown } = {},
  ) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }>((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = http.request(
        url,
        {
          agent,
          method: options.method ?? 'GET',
          headers: {
            ...(options.token && { authorization: `Bearer ${options.token}` }),
            ...(payload && { 'content-type': 'application/json' }),
            ...options.headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

let partners = 0;
async function newPartner(): Promise<{ id: string; apiKey: string }> {
  const id = `rate-partner-${++partners}-${Date.now()}`;
  const created = await api(stack)('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id, name: 'Rate AB', notificationEmail: `${id}@partner.test` },
  });
  expect(created.status).toBe(201);
  return { id, apiKey: created.body.apiKey as string };
}

/** Runs `work(i)` for i in [0, count) with `concurrency` at a time. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

test('10,000 invented tokens from one address get 429 after the per-address limit and cost only that many key lookups; a partner elsewhere is served throughout', async () => {
  const limit = 50;
  const partner = await newPartner();
  const server = await replica({ failedAuthPerMinute: limit });
  const prober = clientFrom('127.0.0.2');
  const colleague = clientFrom('127.0.0.1', 4);
  try {
    let probing = true;
    const partnerStatuses: number[] = [];
    // The partner keeps working, from its own address, for as long as the probe runs.
    const partnerWork = (async () => {
      while (probing) {
        const res = await colleague.request(`${server.url}/v1/license-requests`, { token: partner.apiKey });
        partnerStatuses.push(res.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const statuses = new Map<number, number>();
    const retryAfters = new Set<string>();
    const started = Date.now();
    await pool(10_000, 64, async (i) => {
      const res = await prober.request(`${server.url}/v1/license-requests`, { token: `lrk_invented-${i}` });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) {
        retryAfters.add(String(res.headers['retry-after']));
        if (retryAfters.size === 1) expect(res.body).toMatchObject({ error: { code: 'rate_limited' } });
      }
    });
    // The limit is per minute: a probe slowed past a minute on a loaded machine meets a new window.
    const windows = Math.floor((Date.now() - started) / 60_000) + 1;
    probing = false;
    await partnerWork;

    // The limit's worth per minute got as far as authentication (401); everything else, 429.
    const admitted = statuses.get(401) ?? 0;
    expect([...statuses.keys()].sort()).toEqual([401, 429]);
    expect(admitted + (statuses.get(429) ?? 0)).toBe(10_000);
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit * windows);
    for (const retryAfter of retryAfters) {
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    }
    // The database saw one key lookup per 401, and none for the 429s.
    const partnerHash = hashApiKey(partner.apiKey);
    expect(server.lookups.filter((h) => h !== partnerHash)).toHaveLength(admitted);
    // The partner was served all along (and each of its calls is one lookup of its own key).
    expect(partnerStatuses.length).toBeGreaterThan(5);
    expect(new Set(partnerStatuses)).toEqual(new Set([200]));
    expect(server.lookups.filter((h) => h === partnerHash)).toHaveLength(partnerStatuses.length);

    // From a throttled address the admin token still works (compared in memory, no lookup)...
    expect((await prober.request(`${server.url}/v1/license-requests`, { token: ADMIN_TOKEN })).status).toBe(200);
    // ...and a partner key is refused there before it is looked up, as any token would be.
    const before = server.lookups.length;
    expect((await prober.request(`${server.url}/v1/license-requests`, { token: partner.apiKey })).status).toBe(429);
    expect(server.lookups.length).toBe(before);
  } finally {
    prober.close();
    colleague.close();
    await server.close();
  }
}, 300_000);

test('replicas share the counts: failures and a token allowance used on one replica count on the other', async () => {
  const partner = await newPartner();
  const [a, b] = [
    await replica({ failedAuthPerMinute: 6, rateLimitPerMinute: 5 }),
    await replica({ failedAuthPerMinute: 6, rateLimitPerMinute: 5 }),
  ];
  const stranger = clientFrom('127.0.0.6');
  const client = clientFrom('127.0.0.7');
  try {
    const wrong = (server: { url: string }, i: number) =>
      stranger.request(`${server.url}/v1/license-requests`, { token: `invented-${i}` });
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push((await wrong(a, i)).status, (await wrong(b, i)).status);
    expect(failures).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await wrong(a, 7)).status).toBe(429);
    expect((await wrong(b, 8)).status).toBe(429);

    const calls = [];
    for (const server of [a, b, a, b, a, b]) {
      calls.push((await client.request(`${server.url}/v1/license-requests`, { token: partner.apiKey })).status);
    }
    expect(calls).toEqual([200, 200, 200, 200, 200, 429]);
  } finally {
    stranger.close();
    client.close();
    await a.close();
    await b.close();
  }
});

test('TRUST_PROXY=1: the limit keys on the address the proxy forwards; without it, X-Forwarded-For is ignored', async () => {
  const behindProxy = await replica({ failedAuthPerMinute: 3, trustProxy: 1 });
  const direct = await replica({ failedAuthPerMinute: 3 });
  // One proxy: every connection comes from its address.
  const proxy = clientFrom('127.0.0.8');
  const forwardedFor = (client: string) => ({ 'x-forwarded-for': client });
  try {
    const fromA = () =>
      proxy.request(`${behindProxy.url}/v1/license-requests`, {
        token: 'invented',
        headers: forwardedFor('192.0.2.10'),
      });
    expect([(await fromA()).status, (await fromA()).status, (await fromA()).status]).toEqual([401, 401, 401]);
    expect((await fromA()).status).toBe(429);
    // Another client behind the same proxy has its own allowance.
    const fromB = await proxy.request(`${behindProxy.url}/v1/license-requests`, {
      token: 'invented',
      headers: forwardedFor('192.0.2.11'),
    });
    expect(fromB.status).toBe(401);

    // Without TRUST_PROXY the header is anyone's to send: a new value per call changes nothing.
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await proxy.request(`${direct.url}/v1/license-requests`, {
        token: 'invented',
        headers: forwardedFor(`198.51.100.${i}`),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  } finally {
    proxy.close();
    await behindProxy.close();
    await direct.close();
  }
});

test('the portal sign-in throttle: requests for sign-in links are counted per forwarded address', async () => {
  const server = await replica({ trustProxy: 1 });
  const proxy = clientFrom('127.0.0.9');
  try {
    const page = await proxy.request(`${server.url}/portal/sign-in`);
    const cookie = String(page.headers['set-cookie']?.find((c) => c.startsWith('portal_signin='))).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(String(page.body))![1]!;
    // A form post from the proxy's address, for the client it names.
    const post = (email: string, client: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
        const body = new URLSearchParams({ _csrf: csrf, email }).toString();
        const req = http.request(
          `${server.url}/portal/sign-in`,
          {
            method: 'POST',
            localAddress: '127.0.0.9',
            headers: {
              cookie,
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': String(Buffer.byteLength(body)),
              'x-forwarded-for': client,
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await post(`guess-${i}@partner.test`, '192.0.2.20')).status);
    expect(statuses).toEqual([...Array<number>(19).fill(200), 429]);
    const throttled = await post('guess-again@partner.test', '192.0.2.20');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Another client behind the proxy is not throttled by that one's requests.
    expect((await post('guess-other@partner.test', '192.0.2.21')).status).toBe(200);
  } finally {
    proxy.close();
    await server.close();
  }
});
