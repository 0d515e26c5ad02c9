import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { policySchema, type Policy } from './policy-schema.js';

/**
 * A policy file that cannot be used, saying exactly where and why: "config/policy.yaml: rules[2] (id
 * "seller-hold").action: Invalid option: expected one of …". At start-up it stops the process; on reload
 * the old rules stay and this message is what the operator sees.
 */
export class PolicyConfigError extends Error {
  constructor(
    readonly source: string,
    /** Where in the file: "rules[2] (id \"x\").action", "line 4, column 3" or "file". */
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${source}: ${location}: ${reason}`);
    this.name = 'PolicyConfigError';
  }
}

/** Parses and validates policy YAML; throws PolicyConfigError. */
export function parsePolicy(yamlText: string, source: string): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new PolicyConfigError(source, pos ? `line ${pos.line}, column ${pos.col}` : 'file', `not valid YAML (${err.code})`);
    }
    throw err;
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PolicyConfigError(source, describePath(issue, raw), issue.message);
  }
  return { rules: parsed.data.rules, detectors: parsed.data.detectors, source };
}

export function loadPolicyFileSync(path: string): Policy {
  return parsePolicy(readText(() => readFileSync(path, 'utf8'), path), path);
}

export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PolicyConfigError(path, 'file', `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parsePolicy(text, path);
}

function readText(read: () => string, path: string): string {
  try {
    return read();
  } catch (err) {
    throw new PolicyConfigError(path, 'file', `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** "rules[2] (id \"x\").action" — the rule's id helps find it in a long file. */
function describePath(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.path.length === 0) return 'file';
  let out = '';
  let node: unknown = raw;
  for (const key of issue.path) {
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
    const id = node && typeof node === 'object' && !Array.isArray(node) ? (node as { id?: unknown }).id : undefined;
    if (typeof key === 'number' && typeof id === 'string') out += ` (id "${id}")`;
  }
  return out;
}
