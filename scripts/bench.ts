/**
 * `npm run bench [-- --lifecycles N --concurrency C]`: what the service costs over bare Temporal.
 *
 * A: N whole lifecycles (create → YES → assign all) through the HTTP API, at a fixed concurrency,
 *    against the service as deployed (API and worker processes, PostgreSQL, SMTP to a listener).
 * B: in the same run, on the same Temporal server, N bare workflows (bench/bare-workflow.ts) with
 *    the same updates, activities (no-ops) and timers, driven straight through the Temporal client
 *    and run by a worker process with the same settings.
 *
 * Other measurements, one per run:
 *   --waiting W [--sample K] [--max-cached M]  W requests waiting for an answer: worker memory, and
 *                                              the latency of answering K of them at random
 *   --list-rows R                              R requests of one partner in PostgreSQL: the list
 *                                              endpoint's latency, its summary's latency, and the
 *                                              query plans
 *
 * --cpu-prof DIR writes a V8 CPU profile of A's API and worker processes into DIR
 * (`npm run --silent profile:summary -- DIR` says where their time went).
 *
 * Progress goes to stderr; the report to stdout, whose last line is one line of JSON.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CompiledQuery } from 'kysely';
import type { Client } from '@temporalio/client';
import { ApiClient } from '../chaos/client';
import { loadConfig } from '../config/env';
import {
  answerSummary,
  answerSummaryQuery,
  listLicenseRequests,
  listLicenseRequestsQuery,
} from '../db/repositories/license-requests';
import { startProcessStack, type ProcessStack } from '../dev/process-stack';
import { spawnService } from '../dev/service-process';
import type { LicenseRequestInput } from '../domain/license-request';
import { answerUpdate, assignSchoolsUpdate, licenseRequestWorkflowId } from '../workflows/definitions';
import type { bareLicenseRequestWorkflow } from '../bench/bare-workflow';
import { cpuSeconds, Latencies, machine, percentile, pool, progress, round, rssMb, sampleRss } from '../bench/measure';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Args {
  lifecycles: number;
  concurrency: number;
  schools: number;
  warmup: number;
}

function schoolsOf(n: number) {
  return Array.from({ length: n }, (_, i) => ({ skolonId: `sch-${i + 1}`, name: `Skola ${i + 1}` }));
}

async function newPartner(api: ApiClient, stack: ProcessStack, id: string): Promise<string> {
  const created = await api.send('POST', '/v1/partners', {
    token: stack.adminToken,
    body: { id, name: `Partner ${id}`, notificationEmail: `${id}@partner.test`, locale: 'en' },
  });
  if (created.status !== 201 || !created.body?.apiKey) throw new Error(`partner: ${created.status}`);
  return created.body.apiKey;
}

function createBody(partnerId: string, tag: string, schools: number) {
  return {
    partnerId,
    organisation: { skolonId: `org-${tag}`, name: `Kommun ${tag}` },
    schools: schoolsOf(schools),
    contacts: [{ name: 'Anna Andersson', email: `anna-${tag}@kommun.test` }],
  };
}

// --- A and B ------------------------------------------------------------------------------------

interface PhaseResult {
  perSec: number;
  wallS: number;
  cpu: Record<string, number>;
  cpuPerLifecycle: number;
  /** This process: the client calls and, in A, the SMTP listener (on the same cores, not counted). */
  benchCpu: number;
  workerRss: { peakMb: number; lastMb: number };
  latencies: Latencies;
  /** SQL statements the service sent to PostgreSQL (A only): BEGIN and COMMIT count, each a round trip. */
  statements?: number;
}

/**
 * Statements run in the service's database so far, per statement text (normalised), from
 * pg_stat_statements (loaded by this script's PostgreSQL); this query itself is left out.
 */
async function statementsSoFar(db: ProcessStack['db']): Promise<Map<string, number>> {
  const result = await db.executeQuery<{ query: string; calls: string }>(
    CompiledQuery.raw(
      `select s.query, sum(s.calls) as calls from pg_stat_statements s join pg_database d on d.oid = s.dbid
       where d.datname = current_database() and s.query not like '%pg_stat_statements%' group by s.query`,
    ),
  );
  return new Map(result.rows.map((row) => [row.query, Number(row.calls)]));
}

/** The statements run since `before`, most frequent first, each as one line of at most 120 characters. */
function statementsSince(before: Map<string, number>, after: Map<string, number>) {
  const ran = [...after]
    .map(([query, calls]) => ({
      query: query.replace(/\s+/g, ' ').slice(0, 120),
      calls: calls - (before.get(query) ?? 0),
    }))
    .filter((s) => s.calls > 0)
    .sort((a, b) => b.calls - a.calls);
  return { total: ran.reduce((sum, s) => sum + s.calls, 0), ran };
}

/**
 * The CPU (per process and this script's own), the worker's RSS and the wall clock of one phase of
 * `n` lifecycles, from this call until `finish`, with its progress bar.
 */
function measurePhase(
  pids: Record<string, number | undefined>,
  workerPid: number | undefined,
  label: string,
  n: number,
) {
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const self0 = process.cpuUsage();
  const rss = sampleRss(workerPid);
  const bar = progress(label, n);
  const t0 = performance.now();
  return {
    bar,
    async finish(results: Array<Promise<unknown>>, latencies: Latencies): Promise<PhaseResult> {
      await Promise.all(results);
      const wallS = (performance.now() - t0) / 1000;
      bar.done();
      const cpu = Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => [name, round(cpuSeconds(pid) - cpu0[name]!, 2)]),
      );
      const self = process.cpuUsage(self0);
      return {
        perSec: n / wallS,
        wallS,
        cpu,
        cpuPerLifecycle: Object.values(cpu).reduce((a, b) => a + b, 0) / n,
        benchCpu: round((self.user + self.system) / 1e6, 2),
        workerRss: rss.stop(),
        latencies,
      };
    },
  };
}

async function lifecyclesThroughApi(stack: ProcessStack, args: Args, n: number, label: string): Promise<PhaseResult> {
  const api = new ApiClient(() => stack.apiUrl);
  const partnerId = `bench-${crypto.randomBytes(3).toString('hex')}`;
  const key = await newPartner(api, stack, partnerId);
  const latencies = new Latencies();
  const results: Array<Promise<unknown>> = [];
  const pids = {
    worker: stack.workers[0]?.pid,
    api: stack.api?.pid,
    postgres: stack.infrastructurePids().postgres,
    temporal: stack.infrastructurePids().temporal,
  };
  const statements0 = await statementsSoFar(stack.db);
  const phase = measurePhase(pids, pids.worker, label, n);
  const expect = (what: string, answer: { status: number; body?: { status?: string } }, status: number) => {
    if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  await pool(
    n,
    args.concurrency,
    async (i) => {
      const tag = `${partnerId}-${i}`;
      const started = performance.now();
      const created = await latencies.time('create', () =>
        api.send('POST', '/v1/license-requests', {
          token: stack.adminToken,
          idempotencyKey: tag,
          body: createBody(partnerId, tag, args.schools),
        }),
      );
      expect('create', created, 201);
      const id = created.body!.id!;
      const path = `/v1/license-requests/${id}`;
      expect(
        'answer',
        await latencies.time('answer', () =>
          api.send('POST', `${path}/answer`, { token: key, idempotencyKey: `${tag}-a`, body: { response: 'YES' } }),
        ),
        200,
      );
      const done = await latencies.time('assign', () =>
        api.send('POST', `${path}/assignments`, {
          token: key,
          idempotencyKey: `${tag}-s`,
          body: { schools: schoolsOf(args.schools).map((s) => s.skolonId) },
        }),
      );
      expect('assign', done, 200);
      if (done.body?.status !== 'COMPLETED') throw new Error(`assign: status ${done.body?.status}`);
      // Done when the workflow has finished (its last mail sent), not merely when the API answered.
      results.push(
        stack.client.workflow
          .getHandle(licenseRequestWorkflowId(id))
          .result()
          .then(() => latencies.add('lifecycle', performance.now() - started)),
      );
    },
    () => phase.bar.tick(),
  );
  const result = await phase.finish(results, latencies);
  const statements = statementsSince(statements0, await statementsSoFar(stack.db));
  // Which statements a lifecycle costs, for whoever looks for the next one to save.
  for (const { query, calls } of statements.ran) log(`  ${round(calls / n, 2)} per lifecycle: ${query}`);
  return { ...result, statements: statements.total };
}

async function bareLifecycles(
  client: Client,
  stack: ProcessStack,
  bare: { pid: number; taskQueue: string },
  args: Args,
  n: number,
  label: string,
): Promise<PhaseResult> {
  const latencies = new Latencies();
  const results: Array<Promise<unknown>> = [];
  const pids = { worker: bare.pid, temporal: stack.infrastructurePids().temporal };
  const run = crypto.randomBytes(3).toString('hex');
  const phase = measurePhase(pids, bare.pid, label, n);
  const by = { role: 'partner' as const, partnerId: 'bare' };
  const schools = schoolsOf(args.schools);
  const schoolIds = schools.map((s) => s.skolonId);
  await pool(
    n,
    args.concurrency,
    async (i) => {
      const requestId = `bare-${run}-${i}`;
      const input: LicenseRequestInput = {
        requestId,
        partnerId: 'bare',
        organisation: { skolonId: `org-${i}`, name: `Kommun ${i}` },
        schools,
        desiredAvailability: null,
        contacts: [],
        createdAt: new Date().toISOString(),
      };
      const started = performance.now();
      const handle = await latencies.time('create', () =>
        client.workflow.start<typeof bareLicenseRequestWorkflow>('bareLicenseRequestWorkflow', {
          taskQueue: bare.taskQueue,
          workflowId: licenseRequestWorkflowId(requestId),
          args: [input],
        }),
      );
      await latencies.time('answer', () =>
        handle.executeUpdate(answerUpdate, { args: [{ response: 'YES', by }], updateId: `${requestId}-a` }),
      );
      const done = await latencies.time('assign', () =>
        handle.executeUpdate(assignSchoolsUpdate, { args: [{ schools: schoolIds, by }], updateId: `${requestId}-s` }),
      );
      if (done.status !== 'COMPLETED') throw new Error(`bare assign: status ${done.status}`);
      results.push(handle.result().then(() => latencies.add('lifecycle', performance.now() - started)));
    },
    () => phase.bar.tick(),
  );
  return phase.finish(results, latencies);
}

async function compare(stack: ProcessStack, args: Args): Promise<Record<string, unknown>> {
  const bareQueue = `${stack.taskQueue}-bare`;
  log('starting the bare worker');
  const bareWorker = await spawnService({
    name: 'bare-worker',
    script: 'bench/bare-worker.ts',
    env: { ...stack.serviceEnv(), TEMPORAL_TASK_QUEUE: bareQueue },
    ready: /polling task queue/,
  });
  try {
    await stack.db.executeQuery(CompiledQuery.raw('create extension if not exists pg_stat_statements'));
    const bare = { pid: bareWorker.pid, taskQueue: bareQueue };
    // Warm up both (JIT, connection pools, the workers' caches) before measuring.
    await lifecyclesThroughApi(stack, args, args.warmup, 'warm-up A');
    await bareLifecycles(stack.client, stack, bare, args, args.warmup, 'warm-up B');
    const a = await lifecyclesThroughApi(stack, args, args.lifecycles, 'A: service through HTTP');
    const b = await bareLifecycles(stack.client, stack, bare, args, args.lifecycles, 'B: bare Temporal');

    const ops = ['create', 'answer', 'assign', 'lifecycle'] as const;
    const row = (label: string, av: string, bv: string, ratio = '') =>
      `${label.padEnd(30)}${av.padEnd(24)}${bv.padEnd(24)}${ratio}`;
    const ms = (s: { p50: number; p99: number }) => `${s.p50} / ${s.p99} ms`;
    const lines = [
      `License-request service (A) vs bare Temporal (B): ${args.lifecycles} lifecycles each ` +
        `(create → YES → assign all ${args.schools} schools), concurrency ${args.concurrency}`,
      `machine: ${machine()}`,
      '',
      row('', 'A: service (HTTP)', 'B: bare Temporal', 'A/B'),
      row(
        'lifecycles per second',
        round(a.perSec, 1).toString(),
        round(b.perSec, 1).toString(),
        round(a.perSec / b.perSec, 2).toString(),
      ),
      row(
        'CPU-seconds per lifecycle',
        round(a.cpuPerLifecycle, 3).toString(),
        round(b.cpuPerLifecycle, 3).toString(),
        round(a.cpuPerLifecycle / b.cpuPerLifecycle, 2).toString(),
      ),
      ...Object.keys({ ...a.cpu, ...b.cpu }).map((name) =>
        row(
          `  ${name}`,
          a.cpu[name] !== undefined ? round(a.cpu[name] / args.lifecycles, 3).toString() : '-',
          b.cpu[name] !== undefined ? round(b.cpu[name] / args.lifecycles, 3).toString() : '-',
        ),
      ),
      row(
        '  (this script: client, SMTP)',
        `(${round(a.benchCpu / args.lifecycles, 3)})`,
        `(${round(b.benchCpu / args.lifecycles, 3)})`,
      ),
      row('SQL statements per lifecycle', round(a.statements! / args.lifecycles, 1).toString(), '-'),
      row(
        'worker RSS, peak (MB)',
        round(a.workerRss.peakMb, 0).toString(),
        round(b.workerRss.peakMb, 0).toString(),
        round(a.workerRss.peakMb / b.workerRss.peakMb, 2).toString(),
      ),
      row('p50 / p99', 'API call', 'Temporal client call'),
      ...ops.map((op) =>
        row(
          `  ${op === 'create' ? 'create / start' : op === 'lifecycle' ? 'whole lifecycle' : `${op} / update`}`,
          ms(a.latencies.summary(op)),
          ms(b.latencies.summary(op)),
          round(a.latencies.summary(op).p99 / b.latencies.summary(op).p99, 2).toString(),
        ),
      ),
      '',
      `targets: throughput A/B >= 0.7: ${round(a.perSec / b.perSec, 2)}; ` +
        `answer p99 A <= 2 × B's update p99: ${round(a.latencies.summary('answer').p99 / b.latencies.summary('answer').p99, 2)} ×`,
    ];
    console.log(lines.join('\n'));
    return {
      lifecycles: args.lifecycles,
      concurrency: args.concurrency,
      schools: args.schools,
      throughputPerSec: round(a.perSec, 2),
      baselinePerSec: round(b.perSec, 2),
      throughputRatio: round(a.perSec / b.perSec, 3),
      cpuSecondsPerLifecycle: round(a.cpuPerLifecycle, 4),
      baselineCpuSecondsPerLifecycle: round(b.cpuPerLifecycle, 4),
      cpuRatio: round(a.cpuPerLifecycle / b.cpuPerLifecycle, 2),
      statementsPerLifecycle: round(a.statements! / args.lifecycles, 1),
      cpuSeconds: a.cpu,
      baselineCpuSeconds: b.cpu,
      benchScriptCpuSeconds: a.benchCpu,
      baselineBenchScriptCpuSeconds: b.benchCpu,
      ...Object.fromEntries(
        ops.flatMap((op) => [
          [`${op}P50Ms`, a.latencies.summary(op).p50],
          [`${op}P99Ms`, a.latencies.summary(op).p99],
          [`baseline${op[0]!.toUpperCase()}${op.slice(1)}P50Ms`, b.latencies.summary(op).p50],
          [`baseline${op[0]!.toUpperCase()}${op.slice(1)}P99Ms`, b.latencies.summary(op).p99],
        ]),
      ),
      baselineUpdateP99Ms: b.latencies.summary('answer').p99,
      answerP99Ratio: round(a.latencies.summary('answer').p99 / b.latencies.summary('answer').p99, 2),
      workerRssMb: round(a.workerRss.peakMb, 0),
      baselineWorkerRssMb: round(b.workerRss.peakMb, 0),
      loadAverage: round(os.loadavg()[0]!, 2),
    };
  } finally {
    await bareWorker.stop();
  }
}

// --- Many requests waiting ------------------------------------------------------------------------

async function waiting(
  stack: ProcessStack,
  args: Args,
  count: number,
  sample: number,
  maxCached: number,
): Promise<Record<string, unknown>> {
  const api = new ApiClient(() => stack.apiUrl);
  const partnerId = `waiting-${crypto.randomBytes(3).toString('hex')}`;
  const key = await newPartner(api, stack, partnerId);
  const worker = stack.workers[0]!.pid;
  const idleMb = rssMb(worker);
  const rss = sampleRss(worker);
  const ids: string[] = [];
  const bar = progress(`creating ${count} requests`, count);
  const t0 = performance.now();
  await pool(
    count,
    args.concurrency,
    async (i) => {
      const tag = `${partnerId}-${i}`;
      const created = await api.send('POST', '/v1/license-requests', {
        token: stack.adminToken,
        idempotencyKey: tag,
        body: createBody(partnerId, tag, args.schools),
      });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
      ids.push(created.body!.id!);
    },
    () => bar.tick(),
  );
  bar.done();
  const createS = (performance.now() - t0) / 1000;
  // Every workflow has done its first steps (the partner's mail is out) and now only waits.
  const notified = progress('partners notified', count);
  for (;;) {
    const n = stack.smtp.mails.filter((m) => m.messageId.includes('-created-0@')).length;
    notified.set(n);
    if (n >= count) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  notified.done();
  await new Promise((r) => setTimeout(r, 5000));
  const settled = rss.stop();
  log(
    `worker RSS with ${count} requests waiting: ${round(settled.lastMb, 0)} MB (peak ${round(settled.peakMb, 0)} MB)`,
  );

  // Answer some of them, picked at random, one at a time: most are no longer in the worker's cache.
  const latencies = new Latencies();
  const answering = sampleRss(worker);
  const picks = [...ids].sort(() => Math.random() - 0.5).slice(0, sample);
  const answerBar = progress(`answering ${picks.length} at random`, picks.length);
  for (const id of picks) {
    const answer = await latencies.time('answer', () =>
      api.send('POST', `/v1/license-requests/${id}/answer`, {
        token: key,
        idempotencyKey: `${id}-a`,
        body: { response: 'YES' },
      }),
    );
    if (answer.status !== 200) throw new Error(`answer: ${answer.status} ${JSON.stringify(answer.body)}`);
    answerBar.tick();
  }
  answerBar.done();
  const afterAnswers = answering.stop();
  const s = latencies.summary('answer');
  console.log(
    [
      `${count} requests waiting for an answer (worker maxCachedWorkflows ${maxCached}), created in ${round(createS, 0)} s`,
      `machine: ${machine()}`,
      `worker RSS: ${round(idleMb, 0)} MB idle before, ${round(settled.lastMb, 0)} MB settled with them waiting, ` +
        `${round(Math.max(settled.peakMb, afterAnswers.peakMb), 0)} MB peak while creating and answering (target < 600 MB)`,
      `answering ${picks.length} of them at random through the API, one at a time: p50 ${s.p50} ms, p99 ${s.p99} ms (target p99 < 500 ms)`,
    ].join('\n'),
  );
  return {
    waiting: count,
    maxCachedWorkflows: maxCached,
    workerIdleRssMb: round(idleMb, 0),
    workerRssMb: round(settled.lastMb, 0),
    workerRssPeakMb: round(Math.max(settled.peakMb, afterAnswers.peakMb), 0),
    sample: picks.length,
    randomAnswerP50Ms: s.p50,
    randomAnswerP99Ms: s.p99,
    createPerSec: round(count / createS, 1),
    loadAverage: round(os.loadavg()[0]!, 2),
  };
}

// --- The list with many rows ----------------------------------------------------------------------

async function list(stack: ProcessStack, rows: number): Promise<Record<string, unknown>> {
  const api = new ApiClient(() => stack.apiUrl);
  const partnerId = `list-${crypto.randomBytes(3).toString('hex')}`;
  const key = await newPartner(api, stack, partnerId);
  log(`inserting ${rows} requests of one partner straight into PostgreSQL`);
  const t0 = performance.now();
  // Statuses and answers in a plausible mix; one request every ten minutes, back from now. One
  // statement: the triggers that keep the partner's counts run once for it, not once per row.
  // Ids are UUIDs, as the service's are: the list's cursor carries one and refuses anything else.
  await stack.db.executeQuery(
    CompiledQuery.raw(
      `insert into license_request (id, partner_id, organisation_skolon_id, organisation_name, status, response,
         number_of_schools, answered_at, created_at, finished_at)
       select md5($1 || '-' || g)::uuid::text, $1, 'org-' || (g % 5000), 'Kommun ' || (g % 5000), s.status,
         case when s.status in ('AWAITING_ANSWER', 'WITHDRAWN') then 'UNANSWERED'
              when s.status = 'DECLINED' then 'NO' else 'YES' end,
         1 + g % 20,
         case when s.status in ('AWAITING_ANSWER', 'WITHDRAWN') then null else now() - g * interval '10 minutes' + interval '1 day' end,
         now() - g * interval '10 minutes',
         case when s.status in ('COMPLETED', 'DECLINED', 'WITHDRAWN') then now() - g * interval '10 minutes' + interval '2 days' end
       from generate_series(1, $2::int) g,
         lateral (select (array['COMPLETED','COMPLETED','COMPLETED','COMPLETED','AWAITING_ASSIGNMENT','DECLINED',
                                'AWAITING_ANSWER','OVERDUE','WITHDRAWN','COMPLETED'])[1 + g % 10] as status) s`,
      [partnerId, rows],
    ),
  );
  // As autovacuum leaves a table at rest: statistics, and the visibility map index-only scans use.
  await stack.db.executeQuery(CompiledQuery.raw('vacuum analyze license_request'));
  // ...and written out: without it the timed calls share the disk with the checkpoint of the
  // million rows just inserted (a few calls of hundreds of ms). Needs a superuser; else it is said.
  await stack.db
    .executeQuery(CompiledQuery.raw('checkpoint'))
    .catch((error: unknown) => log(`no checkpoint before timing (${String(error)})`));
  const insertS = round((performance.now() - t0) / 1000, 1);
  log(`inserted in ${insertS} s`);

  const latencies = new Latencies();
  const get = async (name: string, query: string) => {
    const answer = await latencies.time(name, () => api.send('GET', `/v1/license-requests${query}`, { token: key }));
    if (answer.status !== 200) throw new Error(`list: ${answer.status}`);
    return answer.body as { nextCursor?: string | null };
  };
  for (let i = 0; i < 20; i++) await get('warm-up', '');
  const bar = progress('list calls', 600);
  for (let i = 0; i < 200; i++, bar.tick()) await get('first page', '?limit=50');
  // Deep into the list, page after page: keyset pagination costs the same on page 200 as on page 1.
  let cursor: string | null | undefined;
  for (let i = 0; i < 200; i++, bar.tick()) {
    const page = await get('next pages', `?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = page.nextCursor;
  }
  cursor = undefined;
  for (let i = 0; i < 200; i++, bar.tick()) {
    const page = await get(
      'by status, next pages',
      `?status=AWAITING_ANSWER&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
    );
    cursor = page.nextCursor;
  }
  bar.done();

  // The plans of the queries the endpoint runs, with a cursor deep in the list.
  const deep = await stack.db
    .selectFrom('license_request')
    .select(['created_at', 'id'])
    .where('partner_id', '=', partnerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(Math.floor(rows / 2))
    .limit(1)
    .executeTakeFirstOrThrow();
  const cursorAt = { createdAt: deep.created_at.toISOString(), id: deep.id };
  // The endpoint's two queries on their own, 200 times each straight from this process: what
  // PostgreSQL costs, apart from the HTTP call, the API's work and a busy machine's scheduling.
  for (let i = 0; i < 200; i++) {
    await latencies.time('summary', () => answerSummary(stack.db, partnerId));
    await latencies.time('page', () => listLicenseRequests(stack.db, { partnerId, limit: 50, cursor: cursorAt }));
  }
  const explain = async (title: string, compiled: CompiledQuery) => {
    const result = await stack.db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]),
    );
    return [`-- ${title}`, compiled.sql, ...result.rows.map((r) => r['QUERY PLAN']), ''].join('\n');
  };
  const plans = [
    await explain(
      'a page deep in one partner list (keyset cursor)',
      listLicenseRequestsQuery(stack.db, { partnerId, limit: 50, cursor: cursorAt }).compile(),
    ),
    await explain(
      'a page of one status, deep in the list',
      listLicenseRequestsQuery(stack.db, {
        partnerId,
        status: 'AWAITING_ANSWER',
        limit: 50,
        cursor: cursorAt,
      }).compile(),
    ),
    await explain('the summary (answered / not answered)', answerSummaryQuery(stack.db, partnerId).compile()),
  ];
  const all = ['first page', 'next pages', 'by status, next pages'];
  const summaries = Object.fromEntries(all.map((name) => [name, latencies.summary(name)]));
  const every = all.flatMap((name) => latencies.values(name));
  const summary = latencies.summary('summary');
  const pageQuery = latencies.summary('page');
  console.log(
    [
      `GET /v1/license-requests as a partner with ${rows} requests (all its own) in PostgreSQL, limit 50`,
      `machine: ${machine()}`,
      ...all.map((name) => `  ${name.padEnd(24)} p50 ${summaries[name]!.p50} ms, p99 ${summaries[name]!.p99} ms`),
      `  ${'all'.padEnd(24)} p50 ${round(percentile(every, 0.5))} ms, p99 ${round(percentile(every, 0.99))} ms (target p99 < 50 ms)`,
      `the queries alone, ${summary.n} times each from the bench process`,
      `  ${'summary'.padEnd(24)} p50 ${summary.p50} ms, p99 ${summary.p99} ms (target p99 < 20 ms)`,
      `  ${'a page deep in the list'.padEnd(24)} p50 ${pageQuery.p50} ms, p99 ${pageQuery.p99} ms`,
      `inserting the rows took ${insertS} s`,
      '',
      ...plans,
    ].join('\n'),
  );
  return {
    listRows: rows,
    listFirstPageP99Ms: summaries['first page']!.p99,
    listNextPagesP99Ms: summaries['next pages']!.p99,
    listByStatusP99Ms: summaries['by status, next pages']!.p99,
    listP50Ms: round(percentile(every, 0.5)),
    listP99Ms: round(percentile(every, 0.99)),
    summaryP50Ms: summary.p50,
    summaryP99Ms: summary.p99,
    pageQueryP99Ms: pageQuery.p99,
    insertS,
    loadAverage: round(os.loadavg()[0]!, 2),
  };
}

// --- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lifecycles: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '10' },
      schools: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '10' },
      waiting: { type: 'string' },
      sample: { type: 'string', default: '200' },
      'max-cached': { type: 'string' },
      'list-rows': { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const args: Args = {
    lifecycles: Number(values.lifecycles),
    concurrency: Number(values.concurrency),
    schools: Number(values.schools),
    warmup: Number(values.warmup),
  };
  for (const [name, value] of Object.entries(args)) {
    if (!Number.isInteger(value) || value < (name === 'warmup' ? 0 : 1))
      throw new Error(`--${name} must be a positive integer`);
  }
  const env: Record<string, string> = {};
  if (values['max-cached']) env.WORKER_MAX_CACHED_WORKFLOWS = values['max-cached'];
  const maxCached = loadConfig({ ...process.env, ...env }).worker.maxCachedWorkflows;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-bench-'));
  log(`starting the service under ${dataDir} (${machine()})`);
  // pg_stat_statements counts the service's statements per lifecycle (a small cost, alike before and after a change).
  const stack = await startProcessStack({
    dataDir,
    workers: 1,
    env,
    log,
    databaseSettings: { shared_preload_libraries: 'pg_stat_statements' },
    ...(values['cpu-prof'] && { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] }),
  });
  let result: Record<string, unknown>;
  try {
    if (values.waiting) {
      result = await waiting(stack, args, Number(values.waiting), Number(values.sample), maxCached);
    } else if (values['list-rows']) {
      result = await list(stack, Number(values['list-rows']));
    } else {
      result = await compare(stack, args);
    }
  } finally {
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
