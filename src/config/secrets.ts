import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { subkey } from '../crypto/keys.js';
import { ConfigError } from './load.js';
import type { Config } from './schema.js';

export interface Secrets {
  readonly aliasKey: Buffer;
  /** Kept as the configured string: AddressCipher derives its own subkeys from it. */
  readonly dataKey: string;
  readonly verpKey: Buffer;
  readonly adminToken: string;
  readonly reviewerToken: string;
}

type SecretName = 'aliasKey' | 'dataKey' | 'verpKey' | 'adminToken' | 'reviewerToken';
const envNames: Record<SecretName, string> = {
  aliasKey: 'PARLEY_ALIAS_KEY',
  dataKey: 'PARLEY_DATA_KEY',
  verpKey: 'PARLEY_VERP_KEY',
  adminToken: 'PARLEY_ADMIN_TOKEN',
  reviewerToken: 'PARLEY_REVIEWER_TOKEN',
};

/**
 * Secrets come from the environment or files; missing ones are generated into the data directory only
 * when `secrets.generate` is on (the dev default), so `npm start` works with no set-up and production
 * fails fast instead of running with keys nobody backed up.
 */
export function resolveSecrets(config: Config, log?: Logger): Secrets {
  const given = config.secrets;
  const missing = (Object.keys(envNames) as SecretName[]).filter((name) => !given[name]);
  let generated: Partial<Record<SecretName, string>> = {};
  if (missing.length > 0) {
    if (!config.secrets.generate) {
      const name = missing[0]!;
      throw new ConfigError(`secrets.${name} (${envNames[name]})`, 'is required when secrets.generate is false');
    }
    const file = join(config.dataDir, 'secrets.json');
    generated = loadOrCreate(file, missing);
    log?.warn({ file, secrets: missing }, 'using generated development secrets; set them explicitly and turn off secrets.generate in production');
  }
  const value = (name: SecretName): string => given[name] ?? generated[name]!;
  return Object.freeze({
    aliasKey: subkey(value('aliasKey'), 'alias'),
    dataKey: value('dataKey'),
    verpKey: subkey(value('verpKey'), 'verp'),
    adminToken: value('adminToken'),
    reviewerToken: value('reviewerToken'),
  });
}

function loadOrCreate(file: string, names: SecretName[]): Partial<Record<SecretName, string>> {
  let stored: Partial<Record<SecretName, string>> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<SecretName, string>>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(file, `cannot read generated secrets (${(err as Error).message})`);
  }
  const needed = names.filter((n) => !stored[n]);
  if (needed.length === 0) return stored;
  for (const name of needed) stored[name] = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  // Write-then-rename so a crash never leaves half a key file; 0600 because these are keys.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
  return stored;
}
