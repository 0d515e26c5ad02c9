import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { loadPolicyFileSync } from '../../src/policy/load-policy.js';
import type { Policy, Rule } from '../../src/policy/policy-schema.js';
import { PolicyEngine } from '../../src/policy/scan.js';
import { DETECTOR_IDS, type Verdict } from '../../src/policy/types.js';
import { EmbeddedDuplicateCounter } from '../../src/storage/embedded/embedded-duplicate-counter.js';
import { LABELS, loadCorpus, toScanInput, type CorpusMessage, type Label } from './load-corpus.js';

export interface LabelScore {
  label: Label;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export interface Miss {
  id: string;
  expected: Label[];
  predicted: Label[];
}

export interface CorpusReport {
  messages: number;
  clean: number;
  cleanFlagged: number;
  falsePositiveRate: number;
  scores: LabelScore[];
  misses: Miss[];
}

/** The floors the issue sets; the corpus test asserts them. */
export const RECALL_FLOORS: Record<Label, number> = {
  'foreign-address': 0.98,
  'obfuscated-address': 0.98,
  'known-address': 0.95,
  'contact-channel': 0.95,
  'contact-request': 0.95,
  marketing: 0.95,
  'review-manipulation': 0.95,
};
export const MAX_FALSE_POSITIVE_RATE = 0.01;

const ALIAS_DOMAIN = 'relay.test';
const VIOLATIONS: readonly Label[] = LABELS.filter((l) => l !== 'known-address');

/**
 * Scores detectors, not rules: every detector gets a "tag" rule in both directions, so whatever fires shows up
 * in the verdict. Detector options (region, allow-lists, thresholds) are those of config/policy.yaml.
 */
export async function evaluateCorpus(policyPath = 'config/policy.yaml', corpus: CorpusMessage[] = loadCorpus()): Promise<CorpusReport> {
  const configured = loadPolicyFileSync(policyPath);
  const rules: Rule[] = DETECTOR_IDS.map((detector) => ({ id: `eval-${detector}`, detector, direction: 'both', action: 'tag' }));
  const policy: Policy = { ...configured, rules };
  const dir = mkdtempSync(join(tmpdir(), 'parley-eval-'));
  mkdirSync(join(dir, 'store'));
  const root = open({ path: join(dir, 'store'), maxDbs: 4, compression: false });
  try {
    const engine = new PolicyEngine(policy, { duplicates: new EmbeddedDuplicateCounter(root) });
    const results: { message: CorpusMessage; predicted: Label[] }[] = [];
    for (const message of corpus) {
      const input = toScanInput(message, ALIAS_DOMAIN);
      let verdict: Verdict | undefined;
      for (let i = 0; i < message.repeat; i++) verdict = await engine.scan(input);
      results.push({ message, predicted: labelsOf(verdict!) });
    }
    return score(results);
  } finally {
    await root.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function labelsOf(verdict: Verdict): Label[] {
  const labels = new Set<Label>();
  for (const f of verdict.findings) {
    labels.add(f.detector);
    if (f.detector === 'foreign-address' && f.obfuscated) labels.add('obfuscated-address');
  }
  return LABELS.filter((l) => labels.has(l));
}

function score(results: { message: CorpusMessage; predicted: Label[] }[]): CorpusReport {
  const scores = LABELS.map((label): LabelScore => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { message, predicted } of results) {
      const want = message.labels.includes(label);
      const got = predicted.includes(label);
      if (want && got) tp++;
      else if (got) fp++;
      else if (want) fn++;
    }
    return { label, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
  });
  const clean = results.filter((r) => !r.message.labels.some((l) => VIOLATIONS.includes(l)));
  const cleanFlagged = clean.filter((r) => r.predicted.some((l) => VIOLATIONS.includes(l))).length;
  const misses = results
    .filter((r) => r.predicted.join() !== [...r.message.labels].sort((a, b) => LABELS.indexOf(a) - LABELS.indexOf(b)).join())
    .map((r) => ({ id: r.message.id, expected: r.message.labels, predicted: r.predicted }));
  return { messages: results.length, clean: clean.length, cleanFlagged, falsePositiveRate: clean.length ? cleanFlagged / clean.length : 0, scores, misses };
}
