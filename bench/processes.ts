// Every process the bench runs, started the way a user would start it, and stopped again whatever happens
// (normal end, a thrown error, Ctrl-C): Redis when none is given, the sink, the baseline, and Parley itself.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
// The suite's helper: one way to find a free loopback port.
import { freePort } from '../test/helpers/redis-process.js';

const repoRoot = new URL('..', import.meta.url).pathname;
const keys = (name: string) => join(repoRoot, 'test/fixtures/keys', name);

/** Fixed bench secrets: the bench must not need (or touch) a deployment's secrets. */
export const benchSecrets = {
  PARLEY_ALIAS_KEY: 'bench-alias-key-0123456789abcdef0123456789',
  PARLEY_DATA_KEY: 'bench-data-key-0123456789abcdef01234567890',
  PARLEY_VERP_KEY: 'bench-verp-key-0123456789abcdef01234567890',
  PARLEY_ADMIN_TOKEN: 'bench-admin-token-0123456789',
  PARLEY_REVIEWER_TOKEN: 'bench-reviewer-token-0123456789',
};

/** Tracks children so a Ctrl-C or a crash never leaves a relay, a sink or a redis-server behind. */
export class Children {
  private readonly procs = new Set<ChildProcess>();

  add<T extends ChildProcess>(proc: T): T {
    this.procs.add(proc);
    proc.once('exit', () => this.procs.delete(proc));
    return proc;
  }

  /** SIGTERM (Parley writes its CPU profile and closes its spool on it), then SIGKILL after the grace time. */
  async stopAll(graceMs = 15_000): Promise<void> {
    await Promise.all([...this.procs].map((p) => stop(p, graceMs)));
  }

  /** Last resort from a synchronous 'exit' handler. */
  killNow(): void {
    for (const p of this.procs) if (p.pid) tryKill(p.pid, 'SIGKILL');
  }
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export async function stop(proc: ChildProcess, graceMs = 15_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  tryKill(proc.pid, 'SIGTERM');
  const timer = setTimeout(() => tryKill(proc.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Forks one of the bench's own processes (sink, baseline) with tsx and an IPC channel; resolves with the port
 * it reports once listening. Later messages go to onMessage.
 */
export function forkBenchProcess<M extends { type: string }>(
  children: Children,
  script: string,
  env: Record<string, string>,
  onMessage: (m: M) => void = () => undefined,
): Promise<{ proc: ChildProcess; port: number }> {
  const proc = children.add(
    fork(join(repoRoot, 'bench', script), [], { cwd: repoRoot, env: { ...process.env, ...env }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  return new Promise((resolve, reject) => {
    proc.on('message', (m: M & { port?: number }) => (m.type === 'ready' ? resolve({ proc, port: m.port! }) : onMessage(m)));
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

export interface RedisTarget {
  url: string;
  origin: string;
  /** Local redis-server pid when we can see it, so its CPU per message can be reported too. */
  pid?: number;
  /** Not started by us: other clients' work shows in its CPU. */
  shared: boolean;
}

async function ping(url: string): Promise<Redis | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return null;
  }
}

async function localPid(client: Redis): Promise<number | undefined> {
  const info = await client.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').includes('redis') ? pid : undefined;
  } catch {
    return undefined; // another host or another PID namespace
  }
}

/** REDIS_URL if set, else a Redis on 127.0.0.1:6379, else a throwaway redis-server of our own. */
export async function provideRedis(children: Children, workDir: string): Promise<RedisTarget> {
  const candidates = process.env.REDIS_URL ? [[process.env.REDIS_URL, 'REDIS_URL']] : [['redis://127.0.0.1:6379', 'local 127.0.0.1:6379']];
  for (const [url, origin] of candidates) {
    const client = await ping(url!);
    if (!client) {
      if (origin === 'REDIS_URL') throw new Error(`REDIS_URL ${url} does not answer`);
      continue;
    }
    const pid = await localPid(client);
    client.disconnect();
    return { url: url!, origin: origin!, pid, shared: true };
  }
  const port = await freePort();
  // No persistence: the spool is Parley's source of truth, and this Redis dies with the run.
  const proc = children.add(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', workDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const client = await ping(url);
    if (client) {
      client.disconnect();
      return { url, origin: 'own redis-server', pid: proc.pid, shared: false };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('could not start redis-server (is it installed?)');
}

/** Removes the run's keys: a shared Redis should not keep a bench's parties and counters. */
export async function dropKeys(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  let dropped = 0;
  try {
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) dropped += await client.unlink(...found);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return dropped;
}

export interface ParleyHandle {
  proc: ChildProcess;
  pid: number;
  smtpPort: number;
  apiPort: number;
  logFile: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}

export interface RelayOptions {
  /** Created here; holds the relay's spool, its log and (with the embedded store) its data. */
  dataDir: string;
  redisUrl: string;
  /** Key prefix of the run: every relay of one run shares it (one domain, several nodes). */
  redisPrefix: string;
  /** The loopback sink every relay delivers to. */
  sinkPort: number;
  /** Anything else, e.g. PARLEY_WORKERS. */
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** The checkout whose relay runs (default: this one); another one puts two versions side by side. */
  root?: string;
}

/**
 * `node --import tsx src/cli.ts serve` — what `npm start` runs — configured only through PARLEY_* variables.
 * The bench's own PARLEY_* environment is passed on (e.g. PARLEY_LOG_LEVEL) except what the bench must own.
 * Logs go to a file, not a pipe: reading a pipe would put the relay's log volume on the bench's CPU.
 */
export async function spawnParley(children: Children, o: RelayOptions): Promise<ParleyHandle> {
  mkdirSync(o.dataDir, { recursive: true });
  const logFile = join(o.dataDir, 'parley.log');
  const out = openSync(logFile, 'a');
  const env = {
    ...process.env,
    PARLEY_DOMAIN: 'relay.test',
    PARLEY_TLS_CERT: keys('tls-cert.pem'),
    PARLEY_TLS_KEY: keys('tls-key.pem'),
    PARLEY_DKIM_KEY: keys('dkim-test.pem'),
    PARLEY_GENERATE_SECRETS: 'false',
    // What `npm start` and the Dockerfile set: freed large buffers go back to the system (see the Dockerfile).
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
    ...benchSecrets,
    PARLEY_DATA_DIR: o.dataDir,
    PARLEY_SMTP_PORT: '0',
    PARLEY_API_PORT: '0',
    PARLEY_REDIS_URL: o.redisUrl,
    PARLEY_REDIS_PREFIX: o.redisPrefix,
    PARLEY_OUTBOUND: `smtp://127.0.0.1:${o.sinkPort}`,
    // No DNS here to check SPF/DKIM/DMARC against; production runs with enforce.
    PARLEY_SENDER_AUTH: 'off',
    ...o.env,
  };
  const root = o.root ?? repoRoot;
  const proc = children.add(spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', join(root, 'src/cli.ts'), 'serve'], { cwd: root, env, stdio: ['ignore', out, out] }));
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`parley exited with ${code} before starting:\n${tail(logFile)}`));
    proc.once('exit', onExit);
    const poll = setInterval(() => {
      const line = readFileSync(logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes('"parley started"'));
      if (!line) return;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // read while half written: the next poll sees all of it
      }
      clearInterval(poll);
      proc.off('exit', onExit);
      resolve(entry);
    }, 100);
    proc.once('exit', () => clearInterval(poll));
  });
  const port = (hostPort: unknown) => Number(String(hostPort).split(':').pop());
  const apiPort = port(started.api);
  return {
    proc,
    pid: proc.pid!,
    smtpPort: port(started.smtp),
    apiPort,
    logFile,
    async api(method, path, body) {
      const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
        method,
        headers: { authorization: `Bearer ${benchSecrets.PARLEY_ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, json: await res.json() };
    },
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
