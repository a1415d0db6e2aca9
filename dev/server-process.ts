/**
 * A server we run for the services (the embedded PostgreSQL, the Temporal dev server) in a process
 * group of its own, which never outlives the process that started it.
 *
 * Its own group: a terminal's Ctrl-C signals the whole foreground group at once, and a server in it
 * would go down at the same moment as the API and the worker still using it. We stop it ourselves,
 * after them (scripts/start.ts).
 *
 * Never outliving us: outside our group nothing else stops it, so
 * - when we exit without having stopped it, an exit hook stops it at once (its force signal);
 * - when we die without running exit hooks (SIGKILL, a crash of the runtime, a test killed on its
 *   timeout), a guard sees it: a small Node process, in a group of its own too, holding the read end
 *   of a pipe whose only write end is ours. The kernel closes it however we end, the guard reads
 *   end-of-file, stops the server (its stop signal, then its force signal, then SIGKILL to its
 *   group) and exits. No polling of pids, no timing: end-of-file is the parent's death itself.
 * Keeping the servers in our group with SIGINT ignored does not work: PostgreSQL and the Go runtime
 * of the Temporal CLI both install their own SIGINT handlers, which undoes an inherited SIG_IGN.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Socket } from 'node:net';

export interface ServerProcessOptions {
  /** Where its stdout and stderr go (appended). */
  logPath: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** The signal that stops it cleanly (PostgreSQL: SIGINT, fast shutdown; Temporal: SIGTERM). */
  stopSignal: NodeJS.Signals;
  /** The signal that stops it at once (PostgreSQL: SIGQUIT, immediate shutdown; Temporal: SIGKILL). */
  forceSignal: NodeJS.Signals;
  /** How long a clean stop may take before the force signal; SIGKILL to its group a second later. */
  forceAfterMs: number;
}

export interface ServerProcess {
  readonly pid: number;
  /** Resolves once it has exited (for whatever reason). */
  readonly exited: Promise<void>;
  alive(): boolean;
  /** Sends `signal` (default: the stop signal), escalates as described above, resolves once it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** How long the force signal may take before SIGKILL goes to the whole group. */
const KILL_AFTER_FORCE_MS = 1000;

/**
 * The guard, plain JavaScript for `node -e` (no tsx: it starts in ~50 ms and loads nothing).
 * argv: pid, stop signal, force signal, force after (ms), kill after force (ms).
 */
const GUARD = `
const [pid, stopSignal, forceSignal, forceAfter, killAfter] = process.argv.slice(1);
const target = Number(pid);
const send = (to, signal) => { try { process.kill(to, signal); } catch {} };
const gone = () => {
  try { process.kill(target, 0); } catch { return true; }
  // An orphan that init does not reap (some containers' init) stays a zombie: gone as well.
  try { return require('fs').readFileSync('/proc/' + target + '/stat', 'utf8').split(') ').pop().startsWith('Z'); }
  catch { return false; }
};
let ended = false;
const parentGone = () => {
  if (ended) return;
  ended = true;
  if (gone()) process.exit(0);
  const t0 = Date.now();
  let forced = false;
  send(target, stopSignal);
  setInterval(() => {
    if (gone()) process.exit(0);
    const t = Date.now() - t0;
    if (!forced && t >= Number(forceAfter)) { forced = true; send(target, forceSignal); }
    if (t >= Number(forceAfter) + Number(killAfter)) { send(-target, 'SIGKILL'); process.exit(0); }
  }, 50);
};
process.stdin.on('data', () => {});
process.stdin.on('end', parentGone);
process.stdin.on('close', parentGone);
process.stdin.on('error', parentGone);
`;

function startGuard(pid: number, options: ServerProcessOptions): ChildProcess {
  const guard = spawn(
    process.execPath,
    [
      '-e',
      GUARD,
      String(pid),
      options.stopSignal,
      options.forceSignal,
      String(options.forceAfterMs),
      String(KILL_AFTER_FORCE_MS),
    ],
    // Nothing inherited (no NODE_OPTIONS with loaders): only the pipe on its stdin.
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {} },
  );
  // Neither the guard nor its pipe keeps our event loop alive; we never write to the pipe.
  guard.unref();
  const pipe = guard.stdin as Socket;
  pipe.on('error', () => undefined);
  pipe.unref();
  guard.on('error', () => undefined);
  return guard;
}

/** Starts `file` in a process group of its own, guarded as described above. */
export async function startServerProcess(
  file: string,
  args: string[],
  options: ServerProcessOptions,
): Promise<ServerProcess> {
  const log = fs.openSync(options.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env ?? process.env,
      ...(options.uid !== undefined && { uid: options.uid }),
      ...(options.gid !== undefined && { gid: options.gid }),
    });
  } finally {
    fs.closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw await new Promise<Error>((resolve) => child.once('error', resolve));
  }
  let alive = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const guard = startGuard(pid, options);
  const onExit = () => {
    if (alive) child.kill(options.forceSignal);
  };
  process.on('exit', onExit);
  void exited.then(() => {
    alive = false;
    process.removeListener('exit', onExit);
    guard.kill('SIGKILL');
  });

  return {
    pid,
    exited,
    alive: () => alive,
    async stop(signal = options.stopSignal) {
      if (!alive) return;
      child.kill(signal);
      const force = setTimeout(() => child.kill(options.forceSignal), options.forceAfterMs);
      const kill = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }, options.forceAfterMs + KILL_AFTER_FORCE_MS);
      await exited;
      clearTimeout(force);
      clearTimeout(kill);
    },
  };
}
