// `npm run bench:ab -- --against=<git revision or checkout>`: this checkout (B) against another version (A),
// both loaded AT THE SAME TIME with the same load. On a shared, noisy machine a change of a few percent is lost
// between cells run one after the other; run side by side, both versions see the same noise, and the ratio of
// their CPU per message holds still. Both relays share one Redis (one domain, two nodes) and one sink.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Deliveries } from './deliveries.js';
import { introduceClients, runLoad } from './load.js';
import { SIZE_CLASSES, type SizeClass } from './messages.js';
import { Children, dropKeys, forkBenchProcess, provideRedis, spawnParley, type ParleyHandle } from './processes.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { TreeMonitor } from './proc-stats.js';
import { fmt, median, percentile } from './report.js';
import type { SinkMessage } from './sink.js';
import { letters, registerPairs, Traffic } from './traffic.js';

const USAGE = `npm run bench:ab -- --against=<rev|dir> [flags]
  --against=HEAD~1       version A: a git revision (checked out in a temporary worktree) or another checkout
  --concurrency=10       sessions in flight at once, against each relay
  --per-session=1        messages per session
  --size=2k              2k, 100k or 10m
  --seconds=6            load duration of one repetition
  --reps=8               repetitions
  --warm-up=20           seconds of the same load on both before the first repetition (each worker's JIT)
  --workers=1            PARLEY_WORKERS of both relays (--workers-a overrides A's)
  --workers-a=N
  --client-ips=4096      loopback source addresses (both relays count each address's connections per
                         minute in the shared store: fewer addresses meet PARLEY_CONNECTION_RATE_PER_IP)
  --sellers=400          seller parties, as many buyers, 2 pairs each (both relays count each party's messages per hour in
                         the shared store: fewer parties meet PARLEY_MESSAGE_RATE_PER_PARTY in long runs)
  --env-a=NAME=value     an environment variable for A only (repeatable); --env-b for B only: with
  --env-b=NAME=value     --against=HEAD, a comparison of settings (UV_THREADPOOL_SIZE=2, …) instead of code
  --node-args-a="…"      Node options for A only (space-separated, e.g. "--single-threaded-gc"); --node-args-b for B
  --node-args-b="…"`;

const repoRoot = resolve(new URL('..', import.meta.url).pathname);
/** A delivery still queued after this long is a finding, not a slow sample. */
const DELIVERY_WAIT_MS = 30_000;

interface Side {
  label: 'A' | 'B';
  relay: ParleyHandle;
  system: string;
}

interface Rep {
  cpuMsPerMsg: number;
  acceptedPerSec: number;
  /** Connect to the 250 after DATA, 99th percentile of the accepted messages. */
  p99Ms: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      against: { type: 'string' },
      concurrency: { type: 'string', default: '10' },
      'per-session': { type: 'string', default: '1' },
      size: { type: 'string', default: '2k' },
      seconds: { type: 'string', default: '6' },
      reps: { type: 'string', default: '8' },
      'warm-up': { type: 'string', default: '20' },
      workers: { type: 'string', default: '1' },
      'workers-a': { type: 'string' },
      'client-ips': { type: 'string', default: '4096' },
      sellers: { type: 'string', default: '400' },
      'env-a': { type: 'string', multiple: true, default: [] },
      'env-b': { type: 'string', multiple: true, default: [] },
      'node-args-a': { type: 'string', default: '' },
      'node-args-b': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.against) {
    console.error(`--against is required: the version to compare this checkout with\n\n${USAGE}`);
    return 2;
  }
  const size = values.size as SizeClass;
  if (!SIZE_CLASSES.includes(size)) throw new Error(`--size: expected ${SIZE_CLASSES.join(', ')}`);
  const count = (k: 'concurrency' | 'per-session' | 'seconds' | 'reps' | 'warm-up' | 'client-ips' | 'sellers'): number => {
    const n = Number(values[k]);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${k}: expected a positive integer`);
    return n;
  };
  const [concurrency, perSession, seconds, reps, warmUp, clientIps, sellers] = [
    count('concurrency'),
    count('per-session'),
    count('seconds'),
    count('reps'),
    count('warm-up'),
    count('client-ips'),
    count('sellers'),
  ] as const;

  const work = mkdtempSync(join(tmpdir(), 'parley-ab-'));
  const children = new Children();
  const runTag = letters(Date.now() % 26 ** 4);
  const prefix = `parley-ab-${runTag}:`;
  const delivered = new Deliveries();
  let worktree: string | undefined;
  let redisUrl: string | undefined;
  try {
    const against = checkoutOf(values.against, work);
    worktree = against.worktree;
    const redis = await provideRedis(children, work);
    redisUrl = redis.url;
    const sink = await forkBenchProcess<SinkMessage>(children, 'sink.ts', {}, delivered.onSink);
    const common = { redisUrl: redis.url, redisPrefix: prefix, sinkPort: sink.port };
    const a = await spawnParley(children, {
      ...common,
      dataDir: join(work, 'a'),
      root: against.root,
      env: { PARLEY_WORKERS: values['workers-a'] ?? values.workers, ...envOf(values['env-a'], 'env-a') },
      nodeArgs: argsOf(values['node-args-a']),
    });
    const b = await spawnParley(children, {
      ...common,
      dataDir: join(work, 'b'),
      env: { PARLEY_WORKERS: values.workers, ...envOf(values['env-b'], 'env-b') },
      nodeArgs: argsOf(values['node-args-b']),
    });
    // Both are Parley to the traffic source ('parley' and 'single' get per-party budgets).
    const sides: Side[] = [
      { label: 'A', relay: a, system: 'single' },
      { label: 'B', relay: b, system: 'parley' },
    ];
    const traffic = new Traffic(await registerPairs(b, sellers, runTag), runTag, 0.3, seededRandom(1));
    for (const s of sides) await introduceClients(s.relay.smtpPort, clientIps);
    console.log(`A: ${values.against} (${against.root}) · B: this checkout (${repoRoot})`);
    for (const [label, env, args] of [['A', values['env-a'], values['node-args-a']], ['B', values['env-b'], values['node-args-b']]] as const) {
      if (env.length || args) console.log(`${label} only: ${[...env, args].filter(Boolean).join(' ')}`);
    }
    console.log(`${size} · c=${concurrency} against each · ${perSession} msg/session · ${seconds} s × ${reps} reps after ${warmUp} s of warm-up · workers A ${values['workers-a'] ?? values.workers}, B ${values.workers}`);

    const round = (roundSeconds = seconds) =>
      Promise.all(
        sides.map(async (s): Promise<Rep> => {
          const monitor = new TreeMonitor(s.relay.pid, false);
          monitor.start();
          const load = await runLoad({ port: s.relay.smtpPort, concurrency, perSession, durationMs: roundSeconds * 1000, clientIps, next: traffic.source(s.system, 'ab', size) });
          const accepted = load.outcomes.filter((o) => o.accepted).map((o) => o.token);
          await delivered.waitFor(accepted, DELIVERY_WAIT_MS);
          const missing = accepted.filter((t) => !delivered.has(t)).length;
          if (missing) throw new Error(`${s.label}: ${missing} accepted messages not delivered after ${DELIVERY_WAIT_MS / 1000} s`);
          const refused = load.outcomes.length - accepted.length;
          if (refused) throw new Error(`${s.label}: ${refused} messages refused (first: ${load.outcomes.find((o) => !o.accepted)?.reply})`);
          const latencies = load.outcomes.map((o) => o.latencyMs).sort((x, y) => x - y);
          return {
            cpuMsPerMsg: monitor.stop().cpuMs / accepted.length,
            acceptedPerSec: accepted.length / ((load.endedAt - load.startedAt) / 1000),
            p99Ms: percentile(latencies, 99),
          };
        }),
      );
    await round(warmUp);
    const figure = (x: number) => fmt(x, 2).padStart(5);
    const cpu: number[] = [];
    const rate: number[] = [];
    const p99: number[] = [];
    for (let i = 0; i < reps; i++) {
      const [ra, rb] = await round();
      cpu.push(rb!.cpuMsPerMsg / ra!.cpuMsPerMsg);
      rate.push(rb!.acceptedPerSec / ra!.acceptedPerSec);
      p99.push(rb!.p99Ms / ra!.p99Ms);
      console.log(
        `  rep ${String(i + 1).padStart(2)}  A ${figure(ra!.cpuMsPerMsg)} ms/msg ${figure(ra!.acceptedPerSec)} msg/s p99 ${figure(ra!.p99Ms)} ms · B ${figure(rb!.cpuMsPerMsg)} ms/msg ${figure(rb!.acceptedPerSec)} msg/s p99 ${figure(rb!.p99Ms)} ms · B/A CPU ${cpu.at(-1)!.toFixed(3)} rate ${rate.at(-1)!.toFixed(3)} p99 ${p99.at(-1)!.toFixed(3)}`,
      );
    }
    const summary = (xs: number[]) => `${median(xs).toFixed(3)} (range ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`;
    console.log(`B/A CPU per message: median ${summary(cpu)}`);
    console.log(`B/A accepted msg/s:  median ${summary(rate)}`);
    console.log(`B/A p99 latency:     median ${summary(p99)}`);
    console.log('every accepted message was delivered; nothing was refused');
    return 0;
  } finally {
    await children.stopAll();
    if (redisUrl) await dropKeys(redisUrl, prefix).catch(() => 0);
    if (worktree) execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot, stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
}

function envOf(pairs: string[], flag: string): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--${flag}: expected NAME=value, got "${pair}"`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

function argsOf(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/** A directory is used as it is; anything else is a git revision, checked out beside the run and removed after. */
function checkoutOf(against: string, work: string): { root: string; worktree?: string } {
  if (existsSync(join(against, 'src/cli.ts'))) return { root: resolve(against) };
  const worktree = join(work, 'against');
  execFileSync('git', ['worktree', 'add', '--detach', worktree, against], { cwd: repoRoot, stdio: 'ignore' });
  // The same dependencies: a comparison of code, not of installs.
  symlinkSync(join(repoRoot, 'node_modules'), join(worktree, 'node_modules'));
  return { root: worktree, worktree };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`FAIL: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
