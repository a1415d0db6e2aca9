/**
 * Safe evolution: the histories of real runs of every path (workflows/histories/*.binpb, recorded by
 * `npm run histories:record`) must replay against the workflow code as it is now. A change that
 * alters the commands of a running workflow fails here; guard it with patched() (CONTRIBUTING.md).
 *
 * The example in the code: the pending-schools patch (workflows/patches.ts). The histories recorded
 * before it (declined ... yes-withdrawn) replay because the guard keeps them on the old path; the
 * last tests show that without the guard they would not, and that the patched history needs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { quietRuntime } from '../test/helpers/stack';

const DIR = path.join(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.binpb'));
/** Recorded before the pending-schools patch; each answers YES, so each meets the patched code. */
const BEFORE_PATCH_WITH_YES = ['overdue-completed', 'yes-completed', 'yes-withdrawn'];
const WITH_PATCH = 'yes-subset-assigned-patched';

test('there are recorded histories for every path: declined, completed, overdue, reminded, withdrawn, missing', () => {
  expect(files.sort()).toEqual(
    [
      'declined',
      'overdue-completed',
      'reminded-withdrawn',
      'request-missing',
      'yes-completed',
      'yes-subset-assigned-patched',
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

test('without its patched() guard, the pending-schools change would break every workflow answered YES before it', async () => {
  const outcome = await replay(BEFORE_PATCH_WITH_YES, 'forced-on');
  for (const name of BEFORE_PATCH_WITH_YES)
    expect(outcome[name]).toMatch(/DeterminismViolationError|[Nn]ondeterminism/);
}, 120_000);

test('the history recorded with the patch needs the patched code: the old code does not replay it', async () => {
  expect((await replay([WITH_PATCH], 'forced-off'))[WITH_PATCH]).toMatch(/DeterminismViolationError|[Nn]ondeterminism/);
}, 120_000);
