/**
 * `npm run chaos [-- --requests N] [--database-outage S] [--only kill-worker,...] [--report FILE] [--json] [--time-limit S]`
 *   `[--smtp-delay MS] [--webhook-delay MS]`
 *
 * Runs the service as a deployment does (its own PostgreSQL, a file-backed Temporal dev server, an
 * SMTP listener, the migration, the API and two workers as separate processes) on free ports,
 * injects each fault for real while requests are in flight, and audits the result: every request
 * at its end state, every mail exactly once, every webhook event answered 2xx exactly once (at an
 * HTTPS receiver of the stack's own, where each scenario's partner registers its webhook). Prints the table, writes it to docs/chaos-report.md,
 * and exits non-zero if anything was lost or sent twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startProcessStack } from '../dev/process-stack';
import { PROJECT_ROOT } from '../dev/temporal-binaries';
import {
  killApi,
  killWorkers,
  restartTemporal,
  stopDatabase,
  type ChaosOptions,
  type FaultResult,
} from '../chaos/faults';
import { failed, faultNotes, faultTable } from '../chaos/report';

const FAULTS = {
  'kill-worker': killWorkers,
  'restart-temporal': restartTemporal,
  'stop-postgres': stopDatabase,
  'kill-api': killApi,
} as const;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '40' },
      'database-outage': { type: 'string', default: '30' },
      only: { type: 'string' },
      report: { type: 'string', default: path.join(PROJECT_ROOT, 'docs/chaos-report.md') },
      'smtp-delay': { type: 'string', default: '1000' },
      'webhook-delay': { type: 'string', default: '1000' },
      // The results as one line of JSON, last on stdout (for the CI test).
      json: { type: 'boolean', default: false },
      // Give up after this many seconds: say where the run was, stop the stack, exit 3 (CI's test
      // sets it below its own timeout, so that a slow run fails with its story, not a bare timeout).
      'time-limit': { type: 'string' },
    },
  });
  const names = (values.only?.split(',') ?? Object.keys(FAULTS)) as Array<keyof typeof FAULTS>;
  for (const name of names)
    if (!(name in FAULTS)) throw new Error(`unknown fault ${name}; know ${Object.keys(FAULTS).join(', ')}`);
  const options: ChaosOptions = {
    requests: Number(values.requests),
    databaseOutageMs: Number(values['database-outage']) * 1000,
    log: (line) => console.error(line),
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-chaos-'));
  const t0 = Date.now();
  console.error(`[chaos] starting the stack under ${dataDir}`);
  let current = 'starting the stack';
  let stopping: Promise<void> | undefined;
  // Stopped from outside, or out of time: never leave PostgreSQL, Temporal or the services behind.
  const giveUp = (why: string, code: number) => {
    console.error(
      `[chaos] ${why} during "${current}" after ${((Date.now() - t0) / 1000).toFixed(0)} s; stopping the stack`,
    );
    // While the stack is still starting, let it come up first: its processes must be stopped too.
    stopping ??= starting
      .then((started) => started.stop())
      .catch((error: unknown) => console.error('[chaos] stopping the stack:', error))
      .finally(() => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        process.exit(code);
      });
  };
  process.once('SIGTERM', () => giveUp('SIGTERM', 143));
  process.once('SIGINT', () => giveUp('SIGINT', 130));
  const limitS = Number(values['time-limit']);
  if (values['time-limit'] !== undefined && !(limitS > 0)) throw new Error('--time-limit takes a number of seconds');
  const timeLimit =
    values['time-limit'] === undefined
      ? undefined
      : setTimeout(() => giveUp(`out of time (--time-limit ${limitS})`, 3), limitS * 1000).unref();
  const starting = startProcessStack({
    dataDir,
    workers: 2,
    // A slow mail server (each message answered after a delay) keeps sends in flight to cut into.
    smtp: { acceptDelayMs: Number(values['smtp-delay']) },
    // A slow receiver (each delivery answered after a delay), for the same reason.
    webhookAnswerDelayMs: Number(values['webhook-delay']),
    log: (line) => console.error(`[chaos] ${line}`),
  });
  const stack = await starting;
  const results: FaultResult[] = [];
  try {
    for (const name of names) {
      current = name;
      console.error(`[chaos] fault: ${name}`);
      const result = await FAULTS[name](stack, options);
      console.error(
        `[chaos]   ${result.completed}/${result.requests} completed, ${result.lost} lost, ${result.duplicateMails} duplicate mail(s); ` +
          `webhooks: ${result.webhooksOwed} owed, ${result.lostWebhooks} lost, ${result.duplicateWebhooks} duplicate(s)`,
      );
      // Each problem at once, so that a run cut short by its time limit still says what went wrong.
      for (const problem of result.problems) console.error(`[chaos]   problem: ${problem}`);
      results.push(result);
    }
  } finally {
    clearTimeout(timeLimit);
    current = 'stopping the stack';
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const table = faultTable(results);
  console.log(table);
  console.log(faultNotes(results));
  const report = [
    '# Chaos report',
    '',
    `The last run of \`npm run chaos${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`; ` +
      'see [performance.md](performance.md) for what each fault does and how it is audited.',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average before the run ` +
      `${os.loadavg()[0]!.toFixed(2)}; ${options.requests} requests per fault, SMTP answering each message after ` +
      `${values['smtp-delay']} ms, the webhook receiver each delivery after ${values['webhook-delay']} ms; whole run ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
    '',
    table,
    '',
    faultNotes(results),
    '',
  ].join('\n');
  fs.writeFileSync(values.report, report);
  console.error(`[chaos] report written to ${path.relative(process.cwd(), values.report)}`);
  if (values.json) console.log(JSON.stringify(results));
  return failed(results) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
