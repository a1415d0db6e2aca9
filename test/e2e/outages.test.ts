/**
 * When PostgreSQL or Temporal does not answer, the API fails fast with 503 and Retry-After, never
 * hangs, and /health says which dependency is down.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connectTemporal } from '../../runtime/temporal-connection';
import { createMailboxMailer } from '../../activities/mailer';
import { DEFAULT_REMINDER_POLICY } from '../../domain/reminders';
import { licenseRequestWorkflowId } from '../../workflows/definitions';
import { createLicenseRequestWorker } from '../../worker/worker';
import { createApp } from '../../api/app';
import { createDatabase } from '../../db/database';
import { freePort } from '../../dev/processes';
import { startDevServer } from '../../dev/temporal-dev-server';
import { insertPartner } from '../../db/repositories/partners';
import { testWebhookDeps } from '../helpers/webhooks';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { api, workflowBundle } from '../helpers/stack';

const ADMIN = 'outage-admin';

async function listen(app: ReturnType<typeof createApp>) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    call: api({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A Temporal dev server of the test's own (in a temporary folder), a client of it, and a partner. */
async function temporalWithPartner(partnerId: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-outage-'));
  const temporal = await startDevServer({
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
  });
  const { connection, close } = await connectTemporal({ address: temporal.address });
  await insertPartner(database.db, {
    id: partnerId,
    name: `${partnerId} AB`,
    notificationEmail: `${partnerId}@partner.test`,
    locale: 'sv',
    apiKeyHash: `hash-of-${partnerId}`,
  });
  return {
    dataDir,
    temporal,
    client: new Client({ connection }),
    closeConnection: close,
    removeDataDir: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A create without an Idempotency-Key, and how long it took. */
async function timedCreate(call: Awaited<ReturnType<typeof listen>>['call'], partnerId: string, skolonId: string) {
  const t0 = Date.now();
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN,
    body: {
      partnerId,
      organisation: { skolonId, name: 'Kommunen' },
      schools: [{ skolonId: 'sch-1', name: 'Skolan' }],
      contacts: [{ name: 'Anna', email: 'anna@kommun.test' }],
    },
  });
  return { created, ms: Date.now() - t0 };
}

/** The worker that comes back late, on the test's task queue, mailing into a folder. */
async function lateWorker(connection: NativeConnection, taskQueue: string, mailbox: string) {
  return createLicenseRequestWorker({
    connection,
    namespace: 'default',
    taskQueue,
    db: database.db,
    mailer: createMailboxMailer(mailbox),
    config: {
      from: 'lr@skolon.test',
      supportEmail: 'support@skolon.test',
      publicUrl: 'http://localhost',
      statusPageKey: Buffer.alloc(32, 'outage-status-page-key'),
    },
    reminders: DEFAULT_REMINDER_POLICY,
    webhooks: testWebhookDeps(database.db).webhooks,
    workflowBundle: await workflowBundle(),
  });
}

/**
 * A Temporal server of the test's own and an API on a task queue no worker polls yet; `body` may
 * bring a worker later (`lateWorker`, mailing into `mailbox`).
 */
async function withNoWorkerYet(
  partnerId: string,
  taskQueue: string,
  body: (s: {
    call: Awaited<ReturnType<typeof listen>>['call'];
    client: Client;
    start: () => ReturnType<typeof lateWorker>;
    mailbox: string;
  }) => Promise<void>,
): Promise<void> {
  const { dataDir, temporal, client, closeConnection, removeDataDir } = await temporalWithPartner(partnerId);
  const { call, close } = await listen(createApp({ db: database.db, temporal: client, taskQueue, adminToken: ADMIN }));
  const mailbox = path.join(dataDir, 'mailbox');
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  try {
    await body({ call, client, mailbox, start: () => lateWorker(workerConnection, taskQueue, mailbox) });
  } finally {
    await close();
    await workerConnection.close();
    await closeConnection();
    await temporal.stop();
    removeDataDir();
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

test('PostgreSQL does not answer: 503 with Retry-After within seconds, and /health names the database', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-outage-'));
  const temporal = await startDevServer({
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
  });
  const { connection, close: closeConnection } = await connectTemporal({ address: temporal.address });
  // Nothing listens on this port: every query fails the way a stopped server does.
  const deadDb = createDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/none`);
  const { call, close } = await listen(
    createApp({ db: deadDb, temporal: new Client({ connection }), taskQueue: 'q', adminToken: ADMIN }),
  );
  try {
    const t0 = Date.now();
    const listed = await call('GET', '/v1/license-requests', { token: ADMIN });
    expect(listed.status).toBe(503);
    expect(listed.headers.get('retry-after')).toBe('5');
    expect(listed.body.error.code).toBe('service_unavailable');
    expect(Date.now() - t0).toBeLessThan(8000);
    const health = await call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', database: 'down', temporal: 'ok' });
  } finally {
    await close();
    await deadDb.destroy();
    await closeConnection();
    await temporal.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

test('Temporal does not answer: creating a request gets 503 within seconds and leaves nothing behind', async () => {
  const { temporal, client, closeConnection, removeDataDir } = await temporalWithPartner('outage-partner');
  const { call, close } = await listen(
    createApp({ db: database.db, temporal: client, taskQueue: 'q', adminToken: ADMIN }),
  );
  try {
    await temporal.stop();
    const { created, ms } = await timedCreate(call, 'outage-partner', 'org-1');
    expect(created.status).toBe(503);
    expect(created.headers.get('retry-after')).toBe('5');
    expect(ms).toBeLessThan(15_000);
    // The caller was told "not created", and nothing was kept.
    expect(await database.db.selectFrom('license_request').select('id').execute()).toEqual([]);
    const health = await call('GET', '/health');
    expect(health.body).toMatchObject({ status: 'unavailable', database: 'ok', temporal: 'down' });
  } finally {
    await close();
    // Calls to the stopped server are still being retried: close the way the services do.
    await closeConnection();
    removeDataDir();
  }
}, 60_000);

test('no worker answers: a create without a key gets 503, and the request does not turn up when a worker comes back', async () => {
  const taskQueue = 'nobody-polls-yet';
  await withNoWorkerYet('no-worker-partner', taskQueue, async ({ call, client, mailbox, start }) => {
    const { created, ms } = await timedCreate(call, 'no-worker-partner', 'org-2');
    expect(created.status).toBe(503);
    expect(ms).toBeLessThan(15_000);
    // The workflow is there, waiting for a worker: the one this create started.
    const started: string[] = [];
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) started.push(wf.workflowId);
    expect(started).toHaveLength(1);

    // A worker comes back: the create it finds is past its storeBy, so nothing is stored or mailed.
    const worker = await start();
    await worker.runUntil(async () => {
      const id = started[0]!;
      expect(id.startsWith(licenseRequestWorkflowId(''))).toBe(true);
      await client.workflow.getHandle(id).result();
    });
    expect(
      await database.db
        .selectFrom('license_request')
        .select('id')
        .where('partner_id', '=', 'no-worker-partner')
        .execute(),
    ).toEqual([]);
    expect(fs.existsSync(mailbox) ? fs.readdirSync(mailbox) : []).toEqual([]);
  });
}, 120_000);
