import cluster, { type Worker } from 'node:cluster';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { loadDkimKey, loadTls } from './config/key-material.js';
import type { Config } from './config/schema.js';
import { resolveSecrets } from './config/secrets.js';
import type { ConnectionHandoff } from './inbound/limits/connection-handoff.js';
import type { GreetPassShare } from './inbound/limits/greet-pass.js';
import type { Logger } from './observability/logger.js';
import { isJournalFile } from './outbound/spool-journal.js';

const METRICS_REQUEST = 'parley:metrics';
const METRICS_REPLY = 'parley:metrics:reply';
const GREET_PASS = 'parley:greet-pass';
const HANDOFF = 'parley:handoff';
/** A worker that dies is started again after this pause, so a crash loop does not spin the CPU. */
const RESTART_DELAY_MS = 1_000;

export function workerCount(config: Config): number {
  return config.workers === 0 ? availableParallelism() : config.workers;
}

/** Which worker this process is (0 outside a cluster): it names the worker's own spool directory. */
export function workerIndex(): number {
  return Number(process.env.PARLEY_WORKER_INDEX ?? 0);
}

/**
 * A worker's share of the node-wide connection limits: each worker holds at most its share, so the node never
 * holds more than its limit, and passes a connection beyond its share to another worker (ConnectionIntake).
 */
export function workerConfig(config: Config): Config {
  const n = workerCount(config);
  const share = (limit: number) => Math.max(1, Math.ceil(limit / n));
  return Object.freeze({
    ...config,
    limits: Object.freeze({ ...config.limits, maxConnections: share(config.limits.maxConnections), maxConnectionsPerIp: share(config.limits.maxConnectionsPerIp) }),
  });
}

export function spoolDir(config: Config, index: number): string {
  return join(config.dataDir, 'spool', `w${index}`);
}

/**
 * The primary of a multi-worker node: prepares what workers would race to create (generated secrets, keys,
 * certificate), hands the spools of workers that no longer exist to those that do, forks the workers, restarts
 * any that die, answers their metrics requests with the whole node's numbers, and passes signals on.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const count = workerCount(config);
  resolveSecrets(config, logger);
  loadDkimKey(config, logger);
  await loadTls(config, logger);
  adoptOrphanSpools(config, count, logger);
  // The workers accept from the shared socket themselves: dealing connections out round-robin cost the primary
  // and the worker a message per connection (9 % of the CPU per message at c=50 with two workers, measured with
  // bench:ab). The limits hold all the same (see ConnectionIntake). An operator's NODE_CLUSTER_SCHED_POLICY wins.
  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;

  const aggregator = new AggregatorRegistry();
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  const byIndex = new Map<number, Worker>();
  let stopping = false;
  const fork = (index: number): Worker => {
    // See the Dockerfile: large messages' buffers go back to the system once freed (an operator's value wins).
    const worker = cluster.fork({ PARLEY_WORKER_INDEX: String(index), MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072' });
    byIndex.set(index, worker);
    worker.on('message', (message: { type?: string; id?: number; client?: string; tried?: unknown }, handle: unknown) => {
      if (message?.type === HANDOFF) {
        passOn(byIndex, message.tried, handle, logger);
        return;
      }
      if (message?.type === GREET_PASS) {
        for (const other of workers()) if (other !== worker && other.isConnected()) other.send(message);
        return;
      }
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (body) => worker.send({ type: METRICS_REPLY, id: message.id, body }),
        (err: Error) => worker.send({ type: METRICS_REPLY, id: message.id, error: err.message }),
      );
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ worker: index, code, signal }, 'worker died; starting it again');
      setTimeout(() => fork(index), RESTART_DELAY_MS);
    });
    return worker;
  };
  for (let i = 0; i < count; i++) fork(i);
  logger.info({ workers: count }, 'parley primary started');

  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    for (const w of workers()) w.process.kill('SIGTERM');
    const check = setInterval(() => {
      if (workers().length === 0) {
        clearInterval(check);
        process.exit(0);
      }
    }, 50);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('SIGHUP', () => {
    for (const w of workers()) w.process.kill('SIGHUP');
  });
}

/**
 * In the primary: a connection a worker had no room for goes to a live worker that has not tried it yet; with
 * none left, to the last one that tried, which then refuses it (421). The primary's copy of the socket is
 * closed once sent.
 */
function passOn(byIndex: Map<number, Worker>, triedValue: unknown, socket: unknown, logger: Logger): void {
  if (!(socket instanceof Socket)) return;
  const tried = workerList(triedValue);
  const live = [...byIndex].filter(([, w]) => w.isConnected());
  const untried = live.filter(([i]) => !tried.includes(i));
  const next = untried[0] ?? live.find(([i]) => i === tried.at(-1)) ?? live[0];
  if (!next) {
    socket.destroy();
    return;
  }
  next[1].send({ type: HANDOFF, tried, last: untried.length <= 1 }, socket, (err: Error | null) => {
    socket.destroy();
    if (err) logger.warn({ err: err.message, worker: next[0] }, 'could not pass a connection on to a worker; it was closed');
  });
}

/** The worker indices a handoff message carries (it crossed a process boundary: checked, not trusted). */
function workerList(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((i): i is number => Number.isInteger(i)) : [];
}

/** In a worker: connections beyond its share of the limits go to the node's other workers through the primary. */
export function clusterHandoff(self: number): ConnectionHandoff {
  return {
    self,
    pass(socket, tried) {
      // On failure (the primary is gone) the client sees the connection close and tries again later.
      process.send?.({ type: HANDOFF, tried }, socket, undefined, (err: Error | null) => {
        if (err) socket.destroy();
      });
    },
    receive(onSocket) {
      process.on('message', (message: { type?: string; tried?: unknown; last?: unknown }, handle: unknown) => {
        if (message?.type !== HANDOFF || !(handle instanceof Socket)) return;
        onSocket(handle, workerList(message.tried), message.last === true);
      });
    },
  };
}

/** In a worker: the node's metrics, gathered by the primary from every worker. */
export function clusterMetrics(registry: Registry): () => Promise<string> {
  new AggregatorRegistry(); // installs the listener that answers the primary
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const waiting = new Map<number, { resolve: (body: string) => void; reject: (err: Error) => void }>();
  process.on('message', (message: { type?: string; id?: number; body?: string; error?: string }) => {
    if (message?.type !== METRICS_REPLY || message.id === undefined) return;
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) w?.reject(new Error(message.error));
    else w?.resolve(message.body ?? '');
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      process.send!({ type: METRICS_REQUEST, id });
    });
}

/** In a worker: greeting passes (src/inbound/limits/greet-pass.ts) go to the other workers through the primary. */
export const clusterGreetPasses: GreetPassShare = {
  publish(client) {
    process.send?.({ type: GREET_PASS, client });
  },
  subscribe(onPass) {
    process.on('message', (message: { type?: string; client?: unknown }) => {
      if (message?.type === GREET_PASS && typeof message.client === 'string') onPass(message.client);
    });
  },
};

/**
 * With fewer workers than before, the spools of the missing ones would never be delivered: their messages move
 * to a live worker's spool (message file first, metadata last, as the spool itself commits).
 */
export function adoptOrphanSpools(config: Config, count: number, logger: Logger): void {
  const root = join(config.dataDir, 'spool');
  let dirs: string[];
  try {
    dirs = readdirSync(root).filter((d) => /^w\d+$/.test(d) && Number(d.slice(1)) >= count);
  } catch {
    return;
  }
  for (const dir of dirs) {
    const target = spoolDir(config, Number(dir.slice(1)) % count);
    const names = readdirSync(join(root, dir));
    const files = names.filter((f) => /\.(msg|meta)$/.test(f));
    mkdirSync(target, { recursive: true, mode: 0o700 });
    // Journal segments have names unique across workers; the adopting worker takes them over when it opens.
    const ordered = [...names.filter(isJournalFile), ...files.filter((f) => f.endsWith('.msg')), ...files.filter((f) => f.endsWith('.meta'))];
    for (const f of ordered) renameSync(join(root, dir, f), join(target, f));
    if (ordered.length > 0) logger.info({ from: dir, to: target, files: ordered.length }, 'adopted the spool of a worker that no longer runs');
  }
}
