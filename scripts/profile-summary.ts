/**
 * `npm run --silent profile:summary -- DIR`: where the CPU time of each V8 profile in DIR went
 * (`node --cpu-prof`, e.g. from `npm run bench -- --cpu-prof DIR`), by part: the project's own
 * folders, each npm package, Node's internals, garbage collection and idle time. Self time: each
 * sample counts for the function that was running, not for its callers.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the program a function belongs to, from its script's URL. */
function partOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packages = url.split('/node_modules/');
  if (packages.length > 1) {
    const rest = packages.at(-1)!.split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node: internals';
  const relative = path.relative(process.cwd(), url.replace(/^file:\/\//, ''));
  return relative.startsWith('..') ? url : `project: ${relative.split(path.sep)[0]}/`;
}

function summarise(file: string): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = partOf(byId.get(id)!);
    micros.set(part, (micros.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const idle = micros.get('(idle)') ?? 0;
  const busy = [...micros.values()].reduce((a, b) => a + b, 0) - idle;
  const lines = [...micros]
    .filter(([part]) => part !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(
      ([part, us]) =>
        `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${part}`,
    );
  return [`${path.basename(file)}: ${(busy / 1e6).toFixed(2)} s on the CPU`, ...lines].join('\n');
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npm run --silent profile:summary -- DIR');
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
if (files.length === 0) {
  console.error(`no .cpuprofile in ${dir}`);
  process.exit(1);
}
for (const file of files) console.log(`${summarise(path.join(dir, file))}\n`);
