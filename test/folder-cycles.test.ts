/**
 * No two top-level folders import each other, directly or round about (issue 14): the layer lint
 * (eslint.config.mjs) allows a few files to play another part than their folder, and this keeps
 * those exceptions from closing a circle. Reads the imports as written, tests excluded.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SKIP = new Set(['node_modules', 'var', '.tools', '.git', 'coverage']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const topFolder = (file: string) => path.relative(ROOT, file).split(path.sep)[0]!;

function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(ROOT)) {
    const from = topFolder(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const to = topFolder(path.resolve(path.dirname(file), match[1]!));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      // One file that makes the edge, to name in a failure.
      graph.get(from)!.set(to, path.relative(ROOT, file));
    }
  }
  return graph;
}

function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const walk = (start: string, node: string, trail: string[]) => {
    for (const [next, file] of graph.get(node) ?? []) {
      if (next === start) found.push([...trail, `${node} (${file})`, start].join(' -> '));
      else if (next > start && !trail.includes(next)) walk(start, next, [...trail, `${node} (${file})`]);
    }
  };
  for (const start of graph.keys()) walk(start, start, []);
  return found;
}

test('no folder imports another that imports it back, directly or round about', () => {
  const graph = folderGraph();
  // The graph is real: the API's folders do import the layers below them.
  expect(graph.get('services')?.has('domain')).toBe(true);
  expect(cycles(graph)).toEqual([]);
});

test('the check finds a circle when there is one', () => {
  const graph = new Map([
    ['api', new Map([['runtime', 'api/main.ts']])],
    ['runtime', new Map([['api', 'runtime/services.ts']])],
  ]);
  expect(cycles(graph)).toEqual(['api (api/main.ts) -> runtime (runtime/services.ts) -> api']);
});
