/**
 * `npm run schemathesis [-- --max-examples N] [--seed S]`: the OpenAPI document against the live
 * service, as an independent tool reads it. Starts the service as a deployment runs it (its own
 * PostgreSQL, a Temporal dev server, an SMTP listener, the API and a worker as processes), makes a
 * partner, and runs Schemathesis (pinned, installed from PyPI into .tools/schemathesis when
 * missing) with every check, once as the admin and once as that partner. Exits non-zero when
 * either run reports a failure, cannot run at all, or generates fewer than MIN_CASES cases.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startProcessStack } from '../dev/process-stack';
import { PROJECT_ROOT } from '../dev/temporal-binaries';

/** The release issue 14 was found with; pinned so that a new release cannot change a CI verdict. */
const SCHEMATHESIS = 'schemathesis==4.32.5';
const VENV = path.join(PROJECT_ROOT, '.tools', 'schemathesis');
const BIN = path.join(VENV, 'bin', 'schemathesis');
/** Test data for the runs; its partner id is PARTNER_ID. */
const CONFIG = path.join(PROJECT_ROOT, 'scripts', 'schemathesis.toml');
const PARTNER_ID = 'schemathesis-partner';
/** Fewer cases than this means the runs did not really run (both together make about 1,600). */
const MIN_CASES = 1500;
/** At least 32 characters, as production requires of ADMIN_TOKEN. */
const ADMIN_TOKEN = `schemathesis-admin-${crypto.randomBytes(24).toString('hex')}`;

const log = (line: string) => console.error(`[schemathesis] ${line}`);

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

/** The pinned Schemathesis in its own venv; a missing python3, venv or pip is an error, never a skip. */
function ensureSchemathesis(): void {
  const version = SCHEMATHESIS.split('==')[1]!;
  const installed = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.includes(`version ${version}`)) return;
  log(`installing ${SCHEMATHESIS} from PyPI into ${VENV}`);
  fs.rmSync(VENV, { recursive: true, force: true });
  run('python3', ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', SCHEMATHESIS]);
}

interface RunResult {
  role: string;
  exitCode: number;
  cases: number;
  failures: number;
}

/** One Schemathesis run, its output shown as it comes and its summary line read back. */
async function schemathesis(role: string, apiUrl: string, token: string, extra: string[]): Promise<RunResult> {
  const args = [
    '--config-file',
    CONFIG,
    'run',
    `${apiUrl}/openapi.json`,
    '--checks',
    'all',
    '--header',
    `Authorization: Bearer ${token}`,
    '--no-color',
    // Examples from earlier runs would make a run depend on the machine's history.
    '--generation-database',
    'none',
    ...extra,
  ];
  log(`run as ${role}`);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-schemathesis-run-'));
  const child = spawn(BIN, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    process.stdout.write(chunk);
  });
  const exitCode = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
  fs.rmSync(cwd, { recursive: true, force: true });
  // "  1429 generated, 10 found 10 unique failures, 12 skipped" or "  812 generated, 800 passed, 12 skipped"
  const cases = Number(/^\s*(\d+) generated/m.exec(output)?.[1] ?? 0);
  const failures = Number(/(\d+) found (\d+) unique failures?/.exec(output)?.[2] ?? 0);
  return { role, exitCode, cases, failures };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'max-examples': { type: 'string', default: '30' },
      seed: { type: 'string', default: '14' },
    },
  });
  ensureSchemathesis();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-schemathesis-'));
  log(`starting the stack under ${dataDir}`);
  const stack = await startProcessStack({
    dataDir,
    workers: 1,
    // Schemathesis sends hundreds of calls without or with wrong credentials on purpose, all from
    // this address: the per-address limit on failed authentication would answer them 429, where
    // the checks want 401. That limit has its own test (test/e2e/rate-limits.test.ts).
    // Webhook URLs on this machine allowed (scripts/schemathesis.toml sets one): nothing leaves it.
    env: { ADMIN_TOKEN, RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '1000000', WEBHOOK_ALLOW_INSECURE: 'true' },
    log: (line) => log(line),
  });
  try {
    const created = await fetch(`${stack.apiUrl}/v1/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: PARTNER_ID,
        name: 'Schemathesis',
        notificationEmail: 'partner@schemathesis.test',
        locale: 'en',
      }),
    });
    const partner = (await created.json()) as { apiKey?: string };
    if (created.status !== 201 || !partner.apiKey) throw new Error(`creating the partner answered ${created.status}`);

    const common = ['--max-examples', values['max-examples'], '--seed', values.seed];
    const results = [
      await schemathesis('admin', stack.apiUrl, ADMIN_TOKEN, common),
      // Rotating the key would revoke the very key this run calls with; the admin run covers that path.
      await schemathesis('partner', stack.apiUrl, partner.apiKey, [...common, '--exclude-path', '/v1/partner/api-key']),
    ];
    const total = results.reduce((sum, r) => sum + r.cases, 0);
    for (const r of results) log(`${r.role}: ${r.cases} cases, ${r.failures} failures, exit ${r.exitCode}`);
    log(`total: ${total} cases (at least ${MIN_CASES} wanted)`);
    const clean = results.every((r) => r.exitCode === 0 && r.failures === 0) && total >= MIN_CASES;
    log(clean ? 'the API does what its document says' : 'FAILED: see the runs above');
    return clean ? 0 : 1;
  } finally {
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
