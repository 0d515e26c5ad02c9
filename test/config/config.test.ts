import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS_PATH, loadConfig } from '../../src/config/load.js';
import { listSettings } from '../../src/config/schema.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { tempDir } from '../helpers/env.js';

const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('when nothing is set, then the dev defaults load: embedded store, ports 2525/8025', () => {
    const c = loadConfig({ env: {} });
    expect(c.redis.url).toBeUndefined();
    expect(c.smtp.port).toBe(2525);
    expect(c.api.port).toBe(8025);
    expect(c.outbound.retrySchedule).toEqual([60, 300, 900, 3600]);
    expect(Object.isFrozen(c) && Object.isFrozen(c.smtp)).toBe(true);
  });

  it('when the contract environment names are set, then each one lands in its key', () => {
    const c = loadConfig({
      env: {
        PARLEY_DOMAIN: 'mail.shop.example',
        PARLEY_SMTP_HOST: '0.0.0.0',
        PARLEY_SMTP_PORT: '25',
        PARLEY_API_HOST: '::',
        PARLEY_API_PORT: '9000',
        PARLEY_REDIS_URL: 'redis://redis:6379',
        PARLEY_DATA_DIR: '/var/lib/parley',
        PARLEY_OUTBOUND: 'mx',
        PARLEY_ADMIN_TOKEN: 'a'.repeat(20),
        PARLEY_REVIEWER_TOKEN: 'r'.repeat(20),
        PARLEY_SENDER_AUTH: 'record',
        PARLEY_LOG_LEVEL: 'debug',
        PARLEY_RETRY_SCHEDULE: '1,2,3',
        PARLEY_MAX_QUEUE_AGE: '60',
        PARLEY_DKIM_SELECTOR: 's2026',
        PARLEY_DKIM_KEY: '/run/secrets/dkim.pem',
      },
    });
    expect(c).toMatchObject({
      domain: 'mail.shop.example',
      smtp: { host: '0.0.0.0', port: 25 },
      api: { host: '::', port: 9000 },
      redis: { url: 'redis://redis:6379' },
      dataDir: '/var/lib/parley',
      outbound: { target: 'mx', retrySchedule: [1, 2, 3], maxQueueAge: 60 },
      secrets: { adminToken: 'a'.repeat(20), reviewerToken: 'r'.repeat(20) },
      senderAuth: 'record',
      log: { level: 'debug' },
      dkim: { selector: 's2026', keyPath: '/run/secrets/dkim.pem' },
    });
  });

  it('when a value is bad, then the error names the key, its variable and the reason', () => {
    expect(errorOf(() => loadConfig({ env: { PARLEY_SMTP_PORT: 'twenty-five' } })).message).toBe(
      'config: smtp.port (PARLEY_SMTP_PORT): expected an integer, got "twenty-five"',
    );
    expect(errorOf(() => loadConfig({ env: { PARLEY_SMTP_PORT: '70000' } })).message).toMatch(/^config: smtp\.port \(PARLEY_SMTP_PORT\): .*65535/);
    expect(errorOf(() => loadConfig({ env: { PARLEY_SENDER_AUTH: 'sometimes' } })).message).toMatch(/^config: senderAuth \(PARLEY_SENDER_AUTH\):/);
    expect(errorOf(() => loadConfig({ env: { PARLEY_OUTBOUND: 'carrier-pigeon' } })).message).toMatch(/outbound\.target \(PARLEY_OUTBOUND\): must be "mx"/);
    expect(errorOf(() => loadConfig({ env: { PARLEY_DOMAIN: 'Not A Domain' } })).message).toMatch(/^config: domain \(PARLEY_DOMAIN\)/);
  });

  it('when the daily cap settings are unset, then the cap averages 30 days, counts UTC days and refuses permanently', () => {
    expect(loadConfig({ env: {} }).limits).toMatchObject({ capWindowDays: 30, capTimeZone: 'UTC', capReply: 'permanent' });
  });

  it('when the daily cap variables are set, then they land in limits; an unknown zone or reply is refused naming its variable', () => {
    const c = loadConfig({ env: { PARLEY_CAP_WINDOW_DAYS: '14', PARLEY_CAP_TIME_ZONE: 'Asia/Seoul', PARLEY_CAP_REPLY: 'temporary' } });
    expect(c.limits).toMatchObject({ capWindowDays: 14, capTimeZone: 'Asia/Seoul', capReply: 'temporary' });
    expect(errorOf(() => loadConfig({ env: { PARLEY_CAP_TIME_ZONE: 'Mars/Olympus_Mons' } })).message).toBe(
      'config: limits.capTimeZone (PARLEY_CAP_TIME_ZONE): must be an IANA time zone such as UTC or Europe/Berlin',
    );
    expect(errorOf(() => loadConfig({ env: { PARLEY_CAP_REPLY: 'sometimes' } })).message).toMatch(/^config: limits\.capReply \(PARLEY_CAP_REPLY\):/);
    expect(errorOf(() => loadConfig({ env: { PARLEY_CAP_WINDOW_DAYS: '0' } })).message).toMatch(/^config: limits\.capWindowDays \(PARLEY_CAP_WINDOW_DAYS\):/);
  });

  it('when the edge limit settings are unset, then each has its documented default', () => {
    expect(loadConfig({ env: {} }).limits).toMatchObject({
      maxConnections: 100,
      maxConnectionsPerIp: 20,
      greetPassTtlSeconds: 86400,
      rateWindowSeconds: 60,
      connectionRatePerIp: 60,
      messageRatePerIp: 120,
      partyRateWindowSeconds: 3600,
      messageRatePerParty: 300,
      maxRecipients: 10,
      maxHeaderBytes: 262144,
      maxLineLength: 998,
      maxMimeParts: 500,
      maxMimeDepth: 20,
      idleTimeoutSeconds: 300,
      commandTimeoutSeconds: 60,
      dataTimeoutSeconds: 600,
      sessionTimeoutSeconds: 1800,
      rcptFailuresBeforeDelay: 2,
      rcptFailureDelayMs: 1000,
      rcptFailureMaxDelayMs: 10000,
      maxRcptFailuresPerConnection: 10,
      maxRcptFailuresPerIp: 50,
      rcptFailureWindowSeconds: 3600,
    });
  });

  it('when edge limit variables are set, then they land in limits; zero where a limit must be positive is refused naming it', () => {
    const c = loadConfig({ env: { PARLEY_MAX_CONNECTIONS_PER_IP: '3', PARLEY_SMTP_DATA_TIMEOUT: '30', PARLEY_RCPT_FAILURES_BEFORE_DELAY: '0' } });
    expect(c.limits).toMatchObject({ maxConnectionsPerIp: 3, dataTimeoutSeconds: 30, rcptFailuresBeforeDelay: 0 });
    expect(errorOf(() => loadConfig({ env: { PARLEY_MAX_RECIPIENTS: '0' } })).message).toMatch(/^config: limits\.maxRecipients \(PARLEY_MAX_RECIPIENTS\):/);
  });

  it('when a config file has an unknown key, then loading fails naming it', () => {
    const file = join(tempDir(), 'c.yaml');
    writeFileSync(file, 'smtp:\n  prot: 25\n');
    expect(errorOf(() => loadConfig({ env: {}, file })).message).toBe(`config: smtp.prot: unknown setting in ${file}`);
  });

  it('when PARLEY_CONFIG names a file, then it is laid over the defaults and env wins over it', () => {
    const file = join(tempDir(), 'c.yaml');
    writeFileSync(file, 'domain: file.example\nsmtp:\n  port: 2600\n');
    const c = loadConfig({ env: { PARLEY_CONFIG: file, PARLEY_SMTP_PORT: '2700' } });
    expect(c.domain).toBe('file.example');
    expect(c.smtp.port).toBe(2700);
  });

  it('when a secret is given as a _FILE variable, then it is read from that file', () => {
    const file = join(tempDir(), 'token');
    writeFileSync(file, 'token-from-a-file-0123\n');
    expect(loadConfig({ env: { PARLEY_ADMIN_TOKEN_FILE: file } }).secrets.adminToken).toBe('token-from-a-file-0123');
  });

  it('when every setting is listed, then default.yaml documents each one with its variable', () => {
    const yaml = readFileSync(DEFAULTS_PATH, 'utf8');
    for (const s of listSettings()) {
      expect(yaml, s.env).toContain(s.env);
      expect(s.env).toMatch(/^PARLEY_[A-Z_]+$/);
      expect(s.doc.length).toBeGreaterThan(10);
    }
  });

  it('when README is read, then its configuration table has every PARLEY_ variable', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const s of listSettings()) expect(readme, s.env).toContain(`\`${s.env}\``);
  });
});

describe('secrets', () => {
  it('when secrets are missing and generation is on, then they are created once, persisted 0600 and reused', () => {
    const dataDir = tempDir();
    const c = loadConfig({ env: { PARLEY_DATA_DIR: dataDir } });
    const first = resolveSecrets(c);
    const second = resolveSecrets(c);
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.aliasKey.equals(first.aliasKey)).toBe(true);
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('when secrets are missing and generation is off, then start-up fails naming the secret', () => {
    const c = loadConfig({ env: { PARLEY_DATA_DIR: tempDir(), PARLEY_GENERATE_SECRETS: 'false' } });
    expect(errorOf(() => resolveSecrets(c)).message).toBe('config: secrets.aliasKey (PARLEY_ALIAS_KEY): is required when secrets.generate is false');
  });
});
