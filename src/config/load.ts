import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { configSchema, listSettings, type Config, type EnvKind, type SettingInfo } from './schema.js';

/** A configuration problem: the process stops with exit code 2 and this one line. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`config: ${key}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULTS_PATH = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../config/policy.yaml', import.meta.url));

export interface LoadOptions {
  /** Extra YAML file laid over the defaults (--config or PARLEY_CONFIG). */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  defaultsPath?: string;
  /** Values laid over everything else; tests use this instead of touching process.env. */
  overrides?: Record<string, unknown>;
}

type Flat = Map<string, unknown>;

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const settings = listSettings();
  const byKey = new Map(settings.map((s) => [s.key, s]));
  const values: Flat = new Map();

  layer(values, readYaml(options.defaultsPath ?? DEFAULTS_PATH), byKey, 'config/default.yaml');
  const file = options.file ?? env.PARLEY_CONFIG;
  if (file) layer(values, readYaml(file), byKey, file);
  for (const s of settings) {
    const raw = envValue(env, s);
    if (raw !== undefined) values.set(s.key, fromEnv(raw, s));
  }
  if (options.overrides) layer(values, options.overrides, byKey, 'overrides');

  const parsed = configSchema.safeParse(unflatten(values));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const setting = byKey.get(key);
    throw new ConfigError(setting ? `${key} (${setting.env})` : key, issue.message);
  }
  return deepFreeze(parsed.data);
}

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const doc: unknown = parseYaml(text);
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('top level must be a mapping');
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(path, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

function layer(into: Flat, doc: Record<string, unknown>, known: Map<string, SettingInfo>, source: string): void {
  const visit = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(obj)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (known.has(key)) {
        // YAML null means "not set", which is how optional keys are written in default.yaml.
        if (value === null) into.delete(key);
        else into.set(key, value);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        visit(value as Record<string, unknown>, key);
      } else {
        // Unknown keys are typos until proven otherwise; silently ignoring them hides misconfiguration.
        throw new ConfigError(key, `unknown setting in ${source}`);
      }
    }
  };
  visit(doc, '');
}

function envValue(env: NodeJS.ProcessEnv, s: SettingInfo): string | undefined {
  const direct = env[s.env];
  if (direct !== undefined && direct !== '') return direct;
  // Secrets may come from files (Docker/Kubernetes secrets) so they stay out of the process environment.
  const file = s.secret ? env[`${s.env}_FILE`] : undefined;
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`${s.key} (${s.env}_FILE)`, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return undefined;
}

function fromEnv(raw: string, s: SettingInfo): unknown {
  const kind: EnvKind = s.kind;
  const bad = (what: string): never => {
    throw new ConfigError(`${s.key} (${s.env})`, `expected ${what}, got "${raw}"`);
  };
  switch (kind) {
    case 'string':
      return raw;
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : bad('an integer');
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      return bad('true or false');
    case 'intList':
      return raw.split(',').map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : bad('comma-separated integers')));
    case 'stringList':
      return raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
  }
}

function unflatten(values: Flat): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of values) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts.at(-1)!] = value;
  }
  // Objects with no keys set still have to exist for the schema to report the missing leaf by name.
  for (const s of listSettings()) {
    const parts = s.key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  }
  return root;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
