/**
 * Issue 8's faults, for real, in every CI run: `npm run chaos` (the same command a person runs)
 * with fewer requests per fault. A worker SIGKILLed twice mid-mail and mid-webhook, the Temporal
 * dev server SIGKILLed and restarted, PostgreSQL stopped for 30 s, the API SIGKILLed mid-burst:
 * every request finishes, none is lost, no mail goes out twice, every webhook event owed is answered
 * 2xx exactly once by the partner's receiver, and the API answered 503 with Retry-After (never
 * another 5xx) while a part was away.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../dev/temporal-binaries';
import type { FaultResult } from '../../chaos/faults';

const TIME_LIMIT_S = 900;

test(
  'every fault: every request completes, none lost, no mail twice, every webhook event once',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-chaos-test-'));
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/chaos.ts',
          '--requests',
          '12',
          '--report',
          path.join(dir, 'report.md'),
          '--json',
          // Below this test's timeout: a run that is stuck says where, stops its stack and exits 3.
          '--time-limit',
          String(TIME_LIMIT_S),
        ],
        { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const last = stdout.trim().split('\n').pop() ?? '';
      const results = (last.startsWith('[') ? JSON.parse(last) : []) as FaultResult[];
      // On failure, the table and the notes say what went wrong.
      if (code !== 0 || results.length !== 4)
        throw new Error(`npm run chaos exited ${code}:\n${stdout}\n${stderr.slice(-5000)}`);
      for (const result of results) {
        expect({ fault: result.fault, problems: result.problems }).toEqual({ fault: result.fault, problems: [] });
        expect(result).toMatchObject({
          lost: 0,
          duplicateMails: 0,
          lostWebhooks: 0,
          duplicateWebhooks: 0,
          completed: result.requests,
        });
        // Every request is owed its created event at least.
        expect(result.webhooksOwed).toBeGreaterThanOrEqual(result.requests);
        expect(result.requests).toBeGreaterThanOrEqual(12);
        expect(result.inFlight).toBeGreaterThan(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  (TIME_LIMIT_S + 60) * 1000,
);
