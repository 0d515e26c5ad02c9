import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';

/** The Redis every test run shares (REDIS_URL or the throwaway server from global setup). */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test or run uses, so runs cannot collide in a shared Redis. */
export function uniquePrefix(): string {
  return `t${process.pid}-${randomBytes(6).toString('hex')}:`;
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const testSecrets = {
  aliasKey: 'test-alias-key-0123456789abcdef0123456789',
  dataKey: 'test-data-key-0123456789abcdef01234567890',
  verpKey: 'test-verp-key-0123456789abcdef01234567890',
  adminToken: 'admin-token-0123456789',
  reviewerToken: 'reviewer-token-0123456789',
};

/** A validated config for tests: free ports, a temp data dir, fixed secrets, quiet logs. */
export function testConfig(overrides: Record<string, unknown> = {}, store: 'embedded' | 'redis' = 'embedded'): Config {
  const base: Record<string, unknown> = {
    dataDir: tempDir(),
    domain: 'relay.test',
    smtp: { port: 0 },
    api: { port: 0 },
    secrets: { ...testSecrets, generate: false },
    log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
    redis: store === 'redis' ? { url: redisUrl(), keyPrefix: uniquePrefix() } : {},
  };
  return loadConfig({ env: {}, overrides: merge(base, overrides) });
}

export function testLogger(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}

export function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
