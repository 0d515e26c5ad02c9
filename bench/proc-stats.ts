// CPU time and peak memory of a process tree, read from /proc. The relay may run several processes (workers),
// so everything is summed over the root process and its descendants, found afresh at each reading.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

/** utime/stime in /proc/<pid>/stat are in clock ticks; 100 on every Linux we run, but ask rather than assume. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface StatLine {
  ppid: number;
  /** This process's own user+system time, all threads. */
  ownTicks: number;
  /** Time of children it has already reaped: keeps a worker that exited mid-cell from vanishing from the sum. */
  reapedTicks: number;
}

function readStat(pid: number): StatLine | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or ')': fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ownTicks: Number(f[11]) + Number(f[12]), reapedTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return null; // the process exited between listing and reading
  }
}

/** The root and every descendant alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU milliseconds used so far by the tree (plus children it reaped). */
export function treeCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const stat = readStat(pid);
    if (stat) ticks += stat.ownTicks + (pid === root ? stat.reapedTicks : 0);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

export function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Writing "5" to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0), which turns the kernel's exact
 * lifetime peak into a per-cell peak. Not every container allows it; then we fall back to sampling.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface TreeUsage {
  cpuMs: number;
  /** RSS of the tree when the measurement started (MB): what a cell adds is peak − start. */
  startRssMb: number;
  /** Peak RSS over the measurement (MB): sum of per-process peaks, an upper bound when there are several. */
  peakRssMb: number;
}

/** Measures one process tree between start() and stop(). */
export class TreeMonitor {
  private cpu0 = 0;
  private startKb = 0;
  private sampledPeakKb = 0;
  private exactPeak = true;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param memory whether to measure memory too. Off for processes the bench did not start (a shared Redis):
   *   resetting their peak would touch another owner's process.
   */
  constructor(
    readonly root: number,
    private readonly memory = true,
  ) {}

  start(): void {
    const pids = processTree(this.root);
    this.exactPeak = !this.memory || pids.map(resetPeak).every(Boolean);
    this.startKb = pids.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
    this.sampledPeakKb = this.startKb;
    // Sampling is the fallback when the peak cannot be reset; 100 ms catches a 10 MB message's buffers.
    if (!this.exactPeak) this.timer = setInterval(() => this.sample(), 100);
    this.cpu0 = treeCpuMs(this.root);
  }

  stop(): TreeUsage {
    const cpuMs = treeCpuMs(this.root) - this.cpu0;
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const pids = processTree(this.root);
    const peakKb = this.exactPeak ? pids.reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0) : this.sampledPeakKb;
    return { cpuMs, startRssMb: this.startKb / 1024, peakRssMb: Math.max(peakKb, this.sampledPeakKb) / 1024 };
  }

  private sample(): void {
    const kb = processTree(this.root).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
    this.sampledPeakKb = Math.max(this.sampledPeakKb, kb);
  }
}

/** The file system type under a path, so the report says whether fsync really reached a disk. */
export function fileSystemOf(path: string): string {
  try {
    let best = { mount: '', type: 'unknown' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mount, type] = line.split(' ');
      const under = mount === '/' || path === mount || path.startsWith(`${mount}/`);
      if (mount && type && under && mount.length > best.mount.length) best = { mount, type };
    }
    return best.type;
  } catch {
    return 'unknown';
  }
}
