// Prints the configuration table for the README from the schema, so docs cannot drift from code.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULTS_PATH } from '../src/config/load.js';
import { listSettings } from '../src/config/schema.js';

const defaults = parse(readFileSync(DEFAULTS_PATH, 'utf8')) as Record<string, unknown>;
const get = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], defaults);

console.log('| Variable | Key | Default | Meaning |');
console.log('|---|---|---|---|');
for (const s of listSettings()) {
  const value = get(s.key);
  const shown = value === null || value === undefined ? '—' : `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
  console.log(`| \`${s.env}\` | \`${s.key}\` | ${s.secret ? '(secret)' : shown} | ${s.doc} |`);
}
