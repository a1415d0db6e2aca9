/**
 * Safe evolution: the histories of real runs of every path (workflows/histories/*.binpb, recorded by
 * `npm run histories:record`) must replay against the workflow code as it is now. A change that
 * alters the commands of a running workflow fails here; guard it with patched() (CONTRIBUTING.md),
 * and show with `replay(names, 'forced-on' | 'forced-off')` that the guard matters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { quietRuntime } from '../test/helpers/stack';

const DIR = path.join(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

test('there are recorded histories for every path: declined, completed, overdue, reminded, withdrawn, extended, reopened, with webhooks', () => {
  expect(files.sort()).toEqual(
    [
      'declined',
      'extended-completed',
      'overdue-completed',
      'overdue-exhausted',
      'reminded-withdrawn',
      'reopened-completed',
      'webhook-delivery-retried',
      'webhooks-withdrawn',
      'yes-completed',
      'yes-subset-assigned',
      'yes-withdrawn',
    ].map((n) => `${n}.binpb`),
  );
});

/** Replays the named histories; `patches` swaps workflows/patches.ts for a forced variant. */
async function replay(names: string[], patches?: 'forced-on' | 'forced-off'): Promise<Record<string, string>> {
  quietRuntime();
  const histories = names.map((name) => ({
    workflowId: name,
    history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(DIR, `${name}.binpb`))),
  }));
  const patchesModule = path.join(__dirname, 'patches.ts');
  const results = Worker.runReplayHistories(
    {
      workflowsPath: require.resolve('./index'),
      bundlerOptions: {
        logger: new DefaultLogger('WARN'),
        webpackConfigHook: (config: { resolve?: { alias?: Record<string, string> } }) =>
          patches
            ? {
                ...config,
                resolve: {
                  ...config.resolve,
                  alias: {
                    ...config.resolve?.alias,
                    [patchesModule]: path.join(__dirname, 'replay-support', `patches-${patches}.ts`),
                  },
                },
              }
            : config,
      },
    } as never,
    histories,
  );
  const outcome: Record<string, string> = {};
  for await (const result of results) {
    outcome[result.workflowId] = result.error ? `${result.error.name}: ${result.error.message}` : 'ok';
  }
  return outcome;
}

test('every recorded history replays against the current workflow code without non-determinism', async () => {
  const names = files.map((f) => path.basename(f, '.binpb'));
  expect(await replay(names)).toEqual(Object.fromEntries(names.map((n) => [n, 'ok'])));
}, 120_000);

test("the webhook path's history starts a delivery workflow per event, and a delivery's history retries after a failed attempt", () => {
  const { EventType } = temporal.api.enums.v1;
  const count = (name: string, type: temporal.api.enums.v1.EventType) =>
    (temporal.api.history.v1.History.decode(fs.readFileSync(path.join(DIR, `${name}.binpb`))).events ?? []).filter(
      (e) => e.eventType === type,
    ).length;
  // Created, reminded, withdrawn: three events, three children (so replay covers the child command).
  expect(count('webhooks-withdrawn', EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBe(3);
  // The receiver's 500, the backoff's timer, the 2xx.
  expect(count('webhook-delivery-retried', EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)).toBe(2);
  expect(count('webhook-delivery-retried', EventType.EVENT_TYPE_TIMER_FIRED)).toBe(1);
});
