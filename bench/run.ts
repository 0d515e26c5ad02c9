// `npm run bench`: Parley as a user runs it (its own process via the CLI, real Redis, fsynced spool, DKIM, the
// default configuration) against a bare smtp-server → nodemailer forwarder, both delivering to one sink, both
// driven by the same load generator. Cells run interleaved and repeated; medians are quoted, because the
// machine is shared. It ends by checking that every accepted message arrived exactly once: speed that comes
// from dropping or refusing mail is a failure, not a result.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaselineMessage } from './baseline-forwarder.js';
import { summarizeProfiles } from './cpu-profile.js';
import { Deliveries } from './deliveries.js';
import { introduceClients, runLoad } from './load.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { USAGE, cellLabel, parseOptions, type Cell, type Options } from './options.js';
import { Children, dropKeys, forkBenchProcess, provideRedis, spawnParley, stop, tail, type ParleyHandle, type RedisTarget } from './processes.js';
import { postfixUnavailable, startPostfix, type PostfixHandle } from './postfix.js';
import { fileSystemOf, TreeMonitor } from './proc-stats.js';
import { formatCell, formatSampleLine, markdownTable, percentile, postfixTable, scalingTable, type CellResult, type Sample } from './report.js';
import type { SinkMessage } from './sink.js';
import { letters, registerPairs, Traffic } from './traffic.js';

/** 'single' is the one-worker relay of --scaling; 'postfix' the Postfix relay of --postfix. */
type System = 'parley' | 'single' | 'baseline' | 'postfix';

/** After the last delivery, trailing work (spool unlink, pool bookkeeping) still belongs to the cell. */
const SETTLE_MS = 250;
/** Lets sockets and timers of the previous run quiet down before the next one is measured. */
const PAUSE_MS = 300;
const WARM_UP: Cell = { size: '2k', concurrency: 10, perSession: 10 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every delivery the sink saw. */
const delivered = new Deliveries();

interface Bench {
  o: Options;
  traffic: Traffic;
  parley: ParleyHandle;
  single?: ParleyHandle;
  baseline: { pid: number; port: number };
  postfix?: PostfixHandle;
  redis: RedisTarget;
  refusals: Map<string, number>;
}

/** Where a system takes mail, which process tree is it, and its log; `relay` only for Parley's. */
function endpoint(b: Bench, system: System): { pid: number; port: number; logFile?: string; relay?: ParleyHandle } {
  const relay = system === 'parley' ? b.parley : system === 'single' ? b.single : undefined;
  if (relay) return { pid: relay.pid, port: relay.smtpPort, logFile: relay.logFile, relay };
  return system === 'postfix' ? b.postfix! : b.baseline;
}

/** One repetition of one cell on one system: load, wait for every delivery, read CPU and memory. */
async function measure(b: Bench, system: System, cell: Cell, seconds = b.o.seconds): Promise<Sample> {
  const target = endpoint(b, system);
  const relay = target.relay;
  const monitor = new TreeMonitor(target.pid);
  const redisMonitor = relay && b.redis.pid ? new TreeMonitor(b.redis.pid, !b.redis.shared) : undefined;
  const durationMs = seconds * 1000 * (cell.size === '10m' ? 2 : 1);
  const client0 = process.cpuUsage();
  monitor.start();
  redisMonitor?.start();
  const load = await runLoad({
    port: target.port,
    concurrency: cell.concurrency,
    perSession: cell.perSession,
    durationMs,
    clientIps: b.o.clientIps,
    next: b.traffic.source(system, cellLabel(cell), cell.size),
  });
  const accepted = load.outcomes.filter((x) => x.accepted);
  for (const x of load.outcomes) {
    Object.assign(b.traffic.sent.get(x.token)!, { accepted: x.accepted, reply: x.reply });
    if (!x.accepted) b.refusals.set(`${system}: ${x.reply}`, (b.refusals.get(`${system}: ${x.reply}`) ?? 0) + 1);
  }
  // Generous: 10 MB messages at c=50 queue inside the relay for a long time, and that is still a result.
  const waitMs = Math.max(60_000, durationMs * 20);
  const lastAt = await delivered.waitFor(
    accepted.map((x) => x.token),
    waitMs,
  );
  const late = accepted.filter((x) => !delivered.has(x.token)).length;
  if (late) console.log(`    WARN ${system}: ${late} accepted messages not delivered after ${waitMs / 1000} s; this sample's figures are incomplete`);
  await sleep(SETTLE_MS);
  const usage = monitor.stop();
  const redisUsage = redisMonitor?.stop();
  const client = process.cpuUsage(client0);
  if (relay && relay.proc.exitCode !== null) throw new Error(`parley exited during the run:\n${tail(relay.logFile)}`);
  const n = accepted.length || NaN;
  const arrived = accepted.filter((x) => delivered.has(x.token)).length;
  const latencies = accepted.map((x) => x.latencyMs).sort((x, y) => x - y);
  return {
    accepted: accepted.length,
    refused: load.outcomes.length - accepted.length,
    delivered: arrived,
    acceptedPerSec: accepted.length / ((load.endedAt - load.startedAt) / 1000),
    deliveredPerSec: arrived / ((lastAt - load.startedAt) / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMsPerMsg: usage.cpuMs / n,
    startRssMb: usage.startRssMb,
    peakRssMb: usage.peakRssMb,
    redisCpuMsPerMsg: redisUsage ? redisUsage.cpuMs / n : null,
    clientCpuMsPerMsg: (client.user + client.system) / 1000 / n,
  };
}

function systems(b: Bench): System[] {
  return ['parley', ...(b.single ? ['single' as const] : []), 'baseline', ...(b.postfix ? ['postfix' as const] : [])];
}

/** Exactly once, by token, for each system. Returns whether it held. */
function verify(b: Bench): boolean {
  let ok = true;
  for (const system of systems(b)) {
    const sent = [...b.traffic.sent.values()].filter((s) => s.system === system);
    const accepted = sent.filter((s) => s.accepted);
    const missing = accepted.filter((s) => !delivered.has(s.token));
    const duplicated = accepted.filter((s) => delivered.count(s.token) > 1);
    const unacknowledged = sent.filter((s) => !s.accepted && delivered.has(s.token));
    const toBuyer = accepted.filter((s) => s.direction === 'seller_to_buyer').length;
    console.log(
      `${system}: ${accepted.length} accepted (${toBuyer} seller→buyer), ${accepted.length - missing.length - duplicated.length} delivered exactly once, ` +
        `${missing.length} missing, ${duplicated.length} duplicated, ${sent.length - accepted.length} refused, ${unacknowledged.length} delivered without a 250`,
    );
    if (missing.length || duplicated.length) ok = false;
    for (const s of missing.slice(0, 5)) {
      const queueId = /queued as (\S+)/.exec(s.reply ?? '')?.[1];
      const logFile = endpoint(b, system).logFile;
      const log = logFile && queueId ? readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(queueId)) : [];
      console.log(`  missing ${s.token} (${s.cell}, ${s.direction}, reply "${s.reply}")${log.length ? `\n    ${log.slice(-3).join('\n    ')}` : ''}`);
    }
  }
  const untagged = delivered.count('untagged');
  if (untagged) console.log(`sink: ${untagged} deliveries without a bench token (DSNs or a rewritten Subject?)`);
  if (b.refusals.size) {
    ok = false;
    console.log('refusals (the bench sends only legitimate mail; every refusal is a bug in the bench or the relay):');
    for (const [reply, count] of b.refusals) console.log(`  ${count} × ${reply}`);
  }
  return ok;
}

function describeMachine(workDir: string, redis: RedisTarget, o: Options): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim()) commit += ' + uncommitted changes';
  } catch {
    // not a git checkout: fine
  }
  const inherited = Object.keys(process.env).filter((k) => k.startsWith('PARLEY_'));
  return [
    `Parley bench ${new Date().toISOString()} · commit ${commit} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    `Redis: ${redis.origin} (${redis.url}${redis.pid ? `, pid ${redis.pid}` : ''}${redis.shared ? ', shared: its CPU includes other clients' : ''}) · spool in ${workDir} on ${fileSystemOf(workDir)} (fsync) · DKIM on · sender auth off`,
    `clients: ${o.clientIps} loopback source addresses · baseline: smtp-server → nodemailer pool, ${o.baselineMode} · ${o.cells.length} cells × ${o.reps} reps, ${o.seconds} s each (10 MB: ${2 * o.seconds} s) · Korean share ${o.koreanShare}`,
    'latency: connect → 250 after DATA for the first message of a session (with the greeting and any pause before it), MAIL FROM → 250 for the others',
    o.firstContact
      ? 'greeting pause: every Parley session waits 100 ms for its greeting (--first-contact: PARLEY_GREET_PASS_TTL=0), as the baseline\'s smtp-server does'
      : 'greeting pause: every client address has had one session with Parley before the cells, so Parley greets at once (PARLEY_GREET_PASS_TTL); the baseline\'s smtp-server always waits 100 ms',
    ...(inherited.length ? [`passed to the relay from the environment: ${inherited.join(', ')}`] : []),
  ].join('\n');
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2), process.env);
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = parsed;
  const noPostfix = o.postfix ? postfixUnavailable() : null;
  if (noPostfix) {
    console.error(`--postfix: ${noPostfix}`);
    return 2;
  }
  // The exact command, environment included: BENCH_* selects cells, PARLEY_* reaches the relay.
  const fromEnv = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_') || k.startsWith('PARLEY_'));
  const command = [...fromEnv.map(([k, v]) => `${k}=${v}`), 'npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  const runTag = letters(randomInt(26 ** 4));
  const workDir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'parley-bench-'));
  const profileDir = join(workDir, 'profile');
  const children = new Children();
  const prefix = `parley-bench-${runTag}:`;
  let redis: RedisTarget | undefined;
  let postfix: PostfixHandle | undefined;
  // Ctrl-C: the terminal signals the children too; stop whatever is left, remove the run's keys and files.
  const interrupted = (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: stopping child processes and cleaning up`);
    void children
      .stopAll(3000)
      .then(() => (redis ? dropKeys(redis.url, prefix) : 0))
      .catch(() => 0)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.once('exit', () => {
    children.killNow();
    postfix?.stop();
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
  });

  try {
    redis = await provideRedis(children, workDir);
    console.log(describeMachine(workDir, redis, o));
    const sink = await forkBenchProcess<SinkMessage>(children, 'sink.ts', {}, delivered.onSink);
    const baseline = await forkBenchProcess<BaselineMessage>(children, 'baseline-forwarder.ts', { BASELINE_TARGET_PORT: String(sink.port), BASELINE_MODE: o.baselineMode });
    const relayEnv: Record<string, string> = o.firstContact ? { PARLEY_GREET_PASS_TTL: '0' } : {};
    const relay = { redisUrl: redis.url, redisPrefix: prefix, sinkPort: sink.port, env: relayEnv };
    const parley = await spawnParley(children, {
      ...relay,
      dataDir: join(workDir, 'parley'),
      nodeArgs: o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    // --scaling: a second node of the same domain (same Redis, so same parties and limits) with one worker.
    const single = o.scaling ? await spawnParley(children, { ...relay, dataDir: join(workDir, 'single'), env: { ...relay.env, PARLEY_WORKERS: '1' } }) : undefined;
    postfix = o.postfix ? await startPostfix(join(workDir, 'postfix'), sink.port) : undefined;
    const pairs = await registerPairs(parley, o.sellers, runTag);
    const traffic = new Traffic(pairs, runTag, o.koreanShare, seededRandom(o.seed));
    const b: Bench = { o, traffic, parley, single, baseline: { pid: baseline.proc.pid!, port: baseline.port }, postfix, redis, refusals: new Map() };
    if (!o.firstContact) {
      for (const r of [parley, single]) {
        const failed = r ? await introduceClients(r.smtpPort, o.clientIps) : 0;
        if (failed) throw new Error(`${failed} introductory sessions failed (see ${r!.logFile})`);
      }
      console.log(`each of the ${o.clientIps} client addresses has had one session with Parley`);
    }
    console.log(`${pairs.length} pairs registered; warming up for ${o.warmUpSeconds} s per system (JIT, pools, Redis connections)`);
    // Long enough for every worker's JIT: a relay runs for days, and two workers each see half the warm-up.
    for (const system of systems(b)) await measure(b, system, WARM_UP, o.warmUpSeconds);

    const results: CellResult[] = [];
    for (const cell of o.cells) {
      const r: CellResult = { cell, parley: [], baseline: [], single: [], postfix: [] };
      console.log(`\n${cellLabel(cell)}`);
      for (let rep = 0; rep < o.reps; rep++) {
        // Alternate who goes first, so drift in the machine's load does not always favour one side.
        for (const system of rep % 2 ? systems(b).reverse() : systems(b)) {
          const sample = await measure(b, system, cell);
          r[system].push(sample);
          console.log(formatSampleLine(`${system} ${rep + 1}`, sample));
          await sleep(PAUSE_MS);
        }
      }
      console.log(formatCell(r));
      results.push(r);
    }

    await sleep(1000); // a late duplicate would arrive now
    console.log('\nExactly-once check');
    const ok = verify(b);
    console.log(`\n${'='.repeat(20)} Summary (medians of ${o.reps}; CPU and RSS are the relay's process tree) ${'='.repeat(20)}`);
    for (const r of results) console.log(formatCell(r));
    console.log(`\nFor the README — produced by \`${command}\` on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}:\n`);
    console.log(markdownTable(results));
    if (single) {
      const workers = process.env.PARLEY_WORKERS && process.env.PARLEY_WORKERS !== '0' ? process.env.PARLEY_WORKERS : String(cpus().length);
      console.log(`\nScaling — the default relay (${workers} workers) against a one-worker relay, same run:\n`);
      console.log(scalingTable(results, `${workers} workers`));
    }
    if (postfix) {
      console.log('\nParley against Postfix (a private instance relaying with canonical rewriting, fsynced queue), same run:\n');
      console.log(postfixTable(results));
    }
    if (o.profile) {
      await stop(parley.proc);
      console.log(`\n${summarizeProfiles(profileDir)}`);
    }
    console.log(ok ? '\nPASS: every accepted message was delivered exactly once, nothing refused' : '\nFAIL: see the exactly-once check above');
    if (o.keep) console.log(`kept ${workDir}`);
    return ok ? 0 : 1;
  } finally {
    postfix?.stop();
    await children.stopAll();
    if (redis) await dropKeys(redis.url, prefix).catch(() => 0);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`FAIL: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
