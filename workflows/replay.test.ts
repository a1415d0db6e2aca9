/**
 * Safe evolution: the histories of real runs of every path (workflows/histories/*.binpb, recorded by
 * `npm run histories:record`) must replay against the workflow code as it is now. A change that
 * alters the commands of a running workflow fails here; guard it with patched() (CONTRIBUTING.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { quietRuntime } from '../test/helpers/stack';

const DIR = path.join(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

test('there are recorded histories for every path: declined, completed, overdue, reminded, withdrawn', () => {
  expect(files.sort()).toEqual(
    ['declined', 'overdue-completed', 'reminded-withdrawn', 'yes-completed', 'yes-withdrawn'].map((n) => `${n}.binpb`),
  );
});

test('every recorded history replays against the current workflow code without non-determinism', async () => {
  quietRuntime();
  const histories = files.map((file) => ({
    workflowId: path.basename(file, '.binpb'),
    history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(DIR, file))),
  }));
  const results = Worker.runReplayHistories(
    { workflowsPath: require.resolve('./index'), bundlerOptions: { logger: new DefaultLogger('WARN') } } as never,
    histories,
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of results) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
}, 120_000);
