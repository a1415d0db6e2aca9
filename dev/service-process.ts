/**
 * One of the service's commands (`runtime/api-process.ts`, `runtime/worker-process.ts`, ...) as its own operating-system
 * process, the way a deployment runs it. It runs as a single Node process with tsx loaded in it
 * (`node --import tsx`), not under the tsx CLI, which would put a second process in front: a
 * SIGKILL must reach the process that does the work, not a wrapper that leaves it orphaned.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT as ROOT } from './temporal-binaries';

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** The last lines it printed (stdout and stderr). */
  output(): string;
  alive(): boolean;
  /** Sends `signal` (default SIGTERM) and waits until the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface SpawnOptions {
  name: string;
  /** Path of the script, relative to the project root. */
  script: string;
  env: Record<string, string>;
  /** Resolve once the output matches this. */
  ready: RegExp;
  readyTimeoutMs?: number;
  /** Extra arguments for node itself (e.g. --max-old-space-size). */
  nodeArgs?: string[];
  args?: string[];
}

const KEEP_OUTPUT = 20_000;

export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const onData = (d: Buffer) => {
    output = (output + d.toString()).slice(-KEEP_OUTPUT);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const service: ServiceProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    child,
    exited,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(signal = 'SIGTERM') {
      if (service.alive()) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (!options.ready.test(output)) {
    if (!service.alive()) throw new Error(`${options.name} exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return service;
}

/** Runs a command to its end (e.g. the migration); throws with its output when it fails. */
export function runScript(script: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}
