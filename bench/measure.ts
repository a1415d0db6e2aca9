/** What the benchmark measures with: CPU and memory of processes (Linux /proc), latencies, a progress bar. */
import fs from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function stat(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (e.g. PostgreSQL's postmaster and its backends). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = stat(pid);
    const parent = Number(fields?.[1]); // field 4 of /proc/<pid>/stat: ppid
    if (!fields || !Number.isInteger(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** CPU seconds (user + system) used so far by a process tree, counting children that have exited. */
export function cpuSeconds(root: number | undefined): number {
  if (!root) return 0;
  let ticks = 0;
  for (const pid of processTree(root)) {
    const fields = stat(pid);
    if (!fields) continue;
    // utime, stime, cutime, cstime: fields 14-17 (here 11-14 after dropping pid and comm).
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory of one process, in MB. */
export function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every 250 ms; `stop()` returns the peak and the last sample. */
export function sampleRss(pid: number | undefined): { stop(): { peakMb: number; lastMb: number } } {
  let peak = rssMb(pid);
  let last = peak;
  const timer = setInterval(() => {
    last = rssMb(pid);
    peak = Math.max(peak, last);
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      last = rssMb(pid);
      return { peakMb: Math.max(peak, last), lastMb: last };
    },
  };
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export class Latencies {
  private readonly byName = new Map<string, number[]>();

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(name, performance.now() - t0);
    }
  }

  add(name: string, ms: number): void {
    const values = this.byName.get(name);
    if (values) values.push(ms);
    else this.byName.set(name, [ms]);
  }

  summary(name: string): { n: number; p50: number; p99: number } {
    const values = this.byName.get(name) ?? [];
    return { n: values.length, p50: round(percentile(values, 0.5)), p99: round(percentile(values, 0.99)) };
  }

  values(name: string): number[] {
    return this.byName.get(name) ?? [];
  }
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `work(0..count-1)` with at most `concurrency` at a time; `onDone` after each. */
export async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
  onDone: () => void = () => undefined,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      await work(index);
      onDone();
    }
  });
  await Promise.all(lanes);
}

/** A progress bar on stderr (a line every 10% when stderr is not a terminal). */
export function progress(label: string, total: number): { tick(n?: number): void; set(n: number): void; done(): void } {
  let count = 0;
  /** Where counting started, when `set` reports a total that was partly there already. */
  let base: number | undefined;
  let lastDecile = -1;
  const t0 = Date.now();
  const draw = () => {
    const fraction = total > 0 ? count / total : 1;
    const rate = (count - (base ?? 0)) / Math.max(1, (Date.now() - t0) / 1000);
    const text = `${label.padEnd(26)} [${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ${count}/${total} ${rate.toFixed(1)}/s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}`);
    else if (Math.floor(fraction * 10) !== lastDecile) {
      lastDecile = Math.floor(fraction * 10);
      process.stderr.write(`${text}\n`);
    }
  };
  draw();
  return {
    tick(n = 1) {
      count += n;
      draw();
    },
    set(n) {
      base ??= n;
      count = n;
      draw();
    },
    done() {
      count = total;
      draw();
      if (process.stderr.isTTY) process.stderr.write('\n');
    },
  };
}

export function machine(): string {
  const [load1] = os.loadavg();
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${load1!.toFixed(2)} at the start`;
}
