// Rewrites the configuration table in README.md from the schema, so the docs cannot drift from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULTS_PATH } from '../src/config/load.js';
import { listSettings } from '../src/config/schema.js';

const defaults = parse(readFileSync(DEFAULTS_PATH, 'utf8')) as Record<string, unknown>;
const get = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], defaults);

const rows = ['| Variable | Key | Default | Meaning |', '|---|---|---|---|'];
for (const s of listSettings()) {
  const value = get(s.key);
  const shown = value === null || value === undefined ? '—' : `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
  rows.push(`| \`${s.env}\` | \`${s.key}\` | ${s.secret ? '(secret)' : shown} | ${s.doc} |`);
}

const readmePath = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- config-table:start -->';
const end = '<!-- config-table:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from === -1 || to === -1) throw new Error('README.md has no config-table markers');
writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${rows.join('\n')}\n${readme.slice(to)}`);
console.log(`README.md: ${rows.length - 2} settings`);
