import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import { testSecrets } from './env.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;
const keys = (name: string) => new URL(`../fixtures/keys/${name}`, import.meta.url).pathname;

export interface ParleyProcess {
  proc: ChildProcess;
  smtpPort: number;
  apiPort: number;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export const SEEDED_BUYER = 'jiwoo.kim@gmail.example';
export const SEEDED_SELLER = 'owner@bluekettle.example';

/** A seller, a buyer and an order between them, made through the admin API; returns the seller's alias for the buyer. */
export async function seedPair(p: ParleyProcess): Promise<string> {
  await p.api('PUT', '/v1/parties/seller-blue', { role: 'seller', name: 'Blue Kettle Store', emails: [SEEDED_SELLER] });
  await p.api('PUT', '/v1/parties/buyer-jiwoo', { role: 'buyer', name: 'Jiwoo', emails: [SEEDED_BUYER] });
  const order = await p.api('POST', '/v1/orders', { orderId: 'o1', buyerId: 'buyer-jiwoo', sellerId: 'seller-blue', placedAt: '2026-11-20T00:00:00Z' });
  return (order.json as { sellerAlias: string }).sellerAlias;
}

/** The environment a deployment script would give Parley, with test keys and ports chosen by the OS. */
export function processEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_DOMAIN: 'relay.test',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_SMTP_PORT: '0',
    PARLEY_API_PORT: '0',
    PARLEY_ALIAS_KEY: testSecrets.aliasKey,
    PARLEY_DATA_KEY: testSecrets.dataKey,
    PARLEY_VERP_KEY: testSecrets.verpKey,
    PARLEY_ADMIN_TOKEN: testSecrets.adminToken,
    PARLEY_REVIEWER_TOKEN: testSecrets.reviewerToken,
    PARLEY_GENERATE_SECRETS: 'false',
    PARLEY_TLS_CERT: keys('tls-cert.pem'),
    PARLEY_TLS_KEY: keys('tls-key.pem'),
    PARLEY_DKIM_KEY: keys('dkim-test.pem'),
    PARLEY_SENDER_AUTH: 'off',
    PARLEY_RETRY_SCHEDULE: '1',
    PARLEY_LOG_LEVEL: 'info',
    PARLEY_WORKERS: '1',
    ...extra,
  };
}

/** Runs `parley serve` as its own OS process, exactly as `npm start` would, and waits until it listens. */
export async function spawnParley(env: Record<string, string>): Promise<ParleyProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', cliPath, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'parley started') resolve(entry);
      } catch {
        // not a log line
      }
    });
    proc.once('exit', (code) => reject(new Error(`parley exited with ${code} before starting: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  onTestFinished(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
  });
  const entry = await started;
  const port = (hostPort: unknown) => Number(String(hostPort).split(':').pop());
  const apiPort = port(entry.api);
  return {
    proc,
    smtpPort: port(entry.smtp),
    apiPort,
    logs,
    async api(method, path, body) {
      const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
        method,
        headers: { authorization: `Bearer ${testSecrets.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, json: await res.json() };
    },
    async kill(signal = 'SIGTERM') {
      proc.kill(signal);
      await exited;
    },
  };
}
