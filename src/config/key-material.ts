import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate as selfSigned } from 'selfsigned';
import type { Logger } from '../observability/logger.js';
import { ConfigError } from './load.js';
import type { Config } from './schema.js';

export interface TlsMaterial {
  key: string;
  cert: string;
}

function read(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(key, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function persist(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content, { mode: 0o600 });
}

/** STARTTLS certificate: configured, or (dev only) a self-signed one generated once into the data directory. */
export async function loadTls(config: Config, log: Logger): Promise<TlsMaterial> {
  const { tlsCert, tlsKey } = config.smtp;
  if (tlsCert || tlsKey) {
    if (!tlsCert || !tlsKey) throw new ConfigError('smtp.tlsCert/smtp.tlsKey (PARLEY_TLS_CERT/PARLEY_TLS_KEY)', 'set both or neither');
    return { cert: read(tlsCert, 'smtp.tlsCert (PARLEY_TLS_CERT)'), key: read(tlsKey, 'smtp.tlsKey (PARLEY_TLS_KEY)') };
  }
  if (!config.secrets.generate) throw new ConfigError('smtp.tlsCert (PARLEY_TLS_CERT)', 'is required when secrets.generate is false');
  const dir = join(config.dataDir, 'tls');
  const existing = { key: readIfExists(join(dir, 'key.pem')), cert: readIfExists(join(dir, 'cert.pem')) };
  if (existing.key && existing.cert) return { key: existing.key, cert: existing.cert };
  const name = config.hostname ?? config.domain;
  const pems = await selfSigned([{ name: 'commonName', value: name }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  });
  persist(join(dir, 'key.pem'), pems.private);
  persist(join(dir, 'cert.pem'), pems.cert);
  log.warn({ dir }, 'generated a self-signed STARTTLS certificate for development');
  return { key: pems.private, cert: pems.cert };
}

/** DKIM signing key: configured, or (dev only) an RSA-2048 key generated once, with the DNS record to publish. */
export function loadDkimKey(config: Config, log: Logger): string {
  if (config.dkim.keyPath) return read(config.dkim.keyPath, 'dkim.keyPath (PARLEY_DKIM_KEY)');
  if (!config.secrets.generate) throw new ConfigError('dkim.keyPath (PARLEY_DKIM_KEY)', 'is required when secrets.generate is false');
  const path = join(config.dataDir, 'dkim', `${config.dkim.selector}.pem`);
  const existing = readIfExists(path);
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  persist(path, pem);
  log.warn({ path, dns: dkimTxtRecord(config, pem) }, 'generated a DKIM key for development; publish the DNS record before going live');
  return pem;
}

/** The TXT record that publishes the public half of the key at <selector>._domainkey.<domain>. */
export function dkimTxtRecord(config: Config, privatePem: string): string {
  const pub = createPublicKey(privatePem);
  const der = pub.export({ format: 'der', type: 'spki' });
  // RFC 8463: an ed25519 record carries the bare 32-byte key, RSA the whole SubjectPublicKeyInfo.
  const ed = pub.asymmetricKeyType === 'ed25519';
  const p = (ed ? der.subarray(der.length - 32) : der).toString('base64');
  return `${config.dkim.selector}._domainkey.${config.domain} TXT "v=DKIM1; k=${ed ? 'ed25519' : 'rsa'}; p=${p}"`;
}
