// `npm run bench:memory`: what large mail and idle connections cost the relay in memory, against the targets
// mail admins size machines by — one 10 MB message, four at once, memory back to baseline afterwards, and a
// thousand idle connections. One relay process (PARLEY_WORKERS=1): memory is a per-process budget, and the
// figures of one process are exact (VmHWM reset per step) rather than sums over a tree.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type Job } from './load.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { Children, dropKeys, forkBenchProcess, provideRedis, spawnParley, tail, type ParleyHandle } from './processes.js';
import { resetPeak, statusKb } from './proc-stats.js';
import { median } from './report.js';
import type { SinkMessage } from './sink.js';
import { letters, registerPairs, Traffic } from './traffic.js';

const MB = 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / MB;

interface Target {
  label: string;
  limitMb: number;
  measuredMb: number;
}

const delivered = new Set<string>();

async function waitDelivered(tokens: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (tokens.some((t) => !delivered.has(t))) {
    if (Date.now() > deadline) throw new Error(`${tokens.filter((t) => !delivered.has(t)).length} messages not delivered in ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** Sends `count` messages at once (one session each) and waits until all have arrived at the sink. */
async function sendAtOnce(parley: ParleyHandle, traffic: Traffic, size: '2k' | '10m', count: number): Promise<void> {
  const source = traffic.source('parley', `memory ${size}`, size);
  let left = count;
  const tokens: string[] = [];
  const result = await runLoad({
    port: parley.smtpPort,
    concurrency: count,
    perSession: 1,
    durationMs: 600_000,
    clientIps: 4096,
    next: (): Job | null => {
      if (left-- <= 0) return null;
      const job = source();
      tokens.push(job.token);
      return job;
    },
  });
  const refused = result.outcomes.filter((o) => !o.accepted);
  if (refused.length) throw new Error(`${refused.length} of ${count} refused: ${refused[0]!.reply}`);
  await waitDelivered(tokens, 300_000);
}

/**
 * RSS once the relay is quiet: the lowest of a few readings over `ms`. V8 collects an idle heap on its own
 * (its memory reducer); a reading right after the last delivery would count garbage not yet collected.
 */
async function settledRss(pid: number, ms: number): Promise<number> {
  let low = Infinity;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) low = Math.min(low, rssMb(pid));
  return low;
}

/** Peak RSS over `step` (the kernel's exact high-water mark, reset first) and RSS before it. */
async function peakOf(pid: number, step: () => Promise<void>): Promise<{ beforeMb: number; peakMb: number }> {
  const beforeMb = rssMb(pid);
  if (!resetPeak(pid)) throw new Error('cannot reset the peak RSS (/proc/<pid>/clear_refs is not writable here)');
  await step();
  return { beforeMb, peakMb: statusKb(pid, 'VmHWM') / MB };
}

async function idleConnections(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => {
      const n = i + j;
      const localAddress = `127.${Math.floor(n / 62_500) + 2}.${(Math.floor(n / 250) % 250) + 1}.${(n % 250) + 1}`;
      return new Promise<Socket>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', localAddress });
        socket.setEncoding('latin1');
        socket.once('error', reject);
        // Idle after the greeting: what an MX holds for a client that connected and waits.
        socket.once('data', (d: string) => (d.startsWith('220') ? resolve(socket) : reject(new Error(`greeting: ${d.trim()}`))));
      });
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function main(): Promise<number> {
  const children = new Children();
  const workDir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'parley-memory-'));
  const prefix = `parley-memory-${letters(randomInt(26 ** 4))}:`;
  process.once('exit', () => {
    children.killNow();
    rmSync(workDir, { recursive: true, force: true });
  });
  const redis = await provideRedis(children, workDir);
  try {
    const sink = await forkBenchProcess<SinkMessage>(children, 'sink.ts', {}, (m) => {
      if (m.type === 'delivered') for (const [token] of m.batch) delivered.add(token);
    });
    const parley = await spawnParley(children, {
      dataDir: join(workDir, 'parley'),
      redisUrl: redis.url,
      redisPrefix: prefix,
      sinkPort: sink.port,
      // One process; room for the thousand idle connections; everything else at its default.
      env: { PARLEY_WORKERS: '1', PARLEY_MAX_CONNECTIONS: '1200' },
    });
    const pid = parley.pid;
    const runTag = letters(randomInt(26 ** 4));
    const traffic = new Traffic(await registerPairs(parley, 20, runTag), runTag, 0.3, seededRandom(1));
    console.log(`Parley memory bench · one relay process (pid ${pid}) · Redis ${redis.origin} · ${new Date().toISOString()}`);

    // Warm: code paths loaded and JIT-compiled on ordinary mail and on one large message, connection pools open.
    for (let i = 0; i < 5; i++) await sendAtOnce(parley, traffic, '2k', 10);
    await sendAtOnce(parley, traffic, '10m', 1);
    const baseMb = await settledRss(pid, 3000);
    console.log(`baseline after warm-up: ${baseMb.toFixed(1)} MB`);

    const results: Target[] = [];
    const beforeIdle = baseMb;
    const sockets = await idleConnections(parley.smtpPort, 1000);
    const withIdle = await settledRss(pid, 2000);
    results.push({ label: '1,000 idle connections', limitMb: 100, measuredMb: withIdle - beforeIdle });
    for (const s of sockets) s.destroy();
    // "Adds to peak RSS": against the peak of the same process handling ordinary mail, since a process that
    // goes idle shrinks its heap and any work at all grows it again by tens of MB. The heap it keeps swings by
    // tens of MB on its own too, so every figure is a median: of the ordinary peaks measured before each step
    // (the reference) and of the peaks with large mail. Every reading is printed.
    const ordinaryPeaks: number[] = [];
    const largePeak = async (count: number) => {
      ordinaryPeaks.push((await peakOf(pid, () => sendAtOnce(parley, traffic, '2k', 20))).peakMb);
      const { peakMb } = await peakOf(pid, () => sendAtOnce(parley, traffic, '10m', count));
      console.log(`${count} × 10 MB at once: peak ${peakMb.toFixed(1)} MB (20 small messages just before: ${ordinaryPeaks.at(-1)!.toFixed(1)} MB)`);
      return peakMb;
    };
    const ones: number[] = [];
    for (let i = 0; i < 5; i++) ones.push(await largePeak(1));
    const afterOne = await settledRss(pid, 3000);
    const fours: number[] = [];
    for (let i = 0; i < 3; i++) fours.push(await largePeak(4));
    const reference = median(ordinaryPeaks);
    console.log(`reference (median peak with ordinary mail): ${reference.toFixed(1)} MB`);
    results.push({ label: 'one 10 MB message: peak RSS added (medians)', limitMb: 50, measuredMb: median(ones) - reference });
    results.push({ label: 'four 10 MB messages at once: peak RSS added (medians)', limitMb: 120, measuredMb: median(fours) - reference });
    const afterFour = await settledRss(pid, 10_000);
    results.push({ label: 'after them: RSS above the warm baseline', limitMb: 20, measuredMb: afterFour - baseMb });
    console.log(`RSS settled after one: ${afterOne.toFixed(1)} MB, after four: ${afterFour.toFixed(1)} MB`);

    if (parley.proc.exitCode !== null) throw new Error(`parley exited:\n${tail(parley.logFile)}`);

    console.log('\n| Measure | Target | Measured | |\n|---|--:|--:|---|');
    for (const r of results) console.log(`| ${r.label} | ≤ ${r.limitMb} MB | ${r.measuredMb.toFixed(1)} MB | ${r.measuredMb <= r.limitMb ? 'met' : 'MISSED'} |`);
    return results.every((r) => r.measuredMb <= r.limitMb) ? 0 : 1;
  } finally {
    await children.stopAll();
    await dropKeys(redis.url, prefix).catch(() => 0);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`FAIL: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
