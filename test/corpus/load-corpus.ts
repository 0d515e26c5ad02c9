import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ScanInput } from '../../src/policy/scan.js';

/** Labels are detector ids, plus obfuscated-address for a disguised address (the evasion the rules reject). */
export const LABELS = [
  'foreign-address',
  'obfuscated-address',
  'known-address',
  'contact-channel',
  'contact-request',
  'marketing',
  'review-manipulation',
] as const;
export type Label = (typeof LABELS)[number];

const message = z.strictObject({
  id: z.string().min(1),
  direction: z.enum(['seller_to_buyer', 'buyer_to_seller']),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  displayNames: z.array(z.string()).default([]),
  headers: z.record(z.string(), z.array(z.string())).default({}),
  attachments: z.array(z.strictObject({ filename: z.string().optional(), contentType: z.string(), text: z.string() })).default([]),
  known: z.array(z.strictObject({ address: z.string(), alias: z.string() })).default([]),
  /** Sent this many times by one seller on one day; only the last copy is scored. */
  repeat: z.number().int().min(1).default(1),
  note: z.string().optional(),
  labels: z.array(z.enum(LABELS)),
});
export type CorpusMessage = z.output<typeof message>;

export const CORPUS_DIR = fileURLToPath(new URL('./messages/', import.meta.url));

export function loadCorpus(dir = CORPUS_DIR): CorpusMessage[] {
  const out: CorpusMessage[] = [];
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const items = z.array(message).safeParse(parseYaml(readFileSync(join(dir, file), 'utf8')));
    if (!items.success) {
      const issue = items.error.issues[0]!;
      throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    for (const m of items.data) {
      if (ids.has(m.id)) throw new Error(`${file}: duplicate id ${m.id}`);
      ids.add(m.id);
      out.push(m);
    }
  }
  return out;
}

export function toScanInput(m: CorpusMessage, aliasDomain: string): ScanInput {
  const input: ScanInput = {
    direction: m.direction,
    sellerId: `seller-${m.id}`,
    day: '2026-11-23',
    aliasDomain,
    subject: m.subject,
    displayNames: m.displayNames,
    attachments: m.attachments.map((a) => ({ ...(a.filename ? { filename: a.filename } : {}), contentType: a.contentType, content: Buffer.from(a.text, 'utf8') })),
    headers: new Map(Object.entries(m.headers).map(([k, v]) => [k.toLowerCase(), v])),
    knownAddresses: m.known,
  };
  if (m.text !== undefined) input.text = m.text;
  if (m.html !== undefined) input.html = m.html;
  return input;
}
