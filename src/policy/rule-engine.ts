import type { Rule } from './policy-schema.js';
import { DEFAULT_REPLACEMENT, type Direction, type Finding, type Hit, type PartId, type Verdict, type VerdictAction } from './types.js';

const SEVERITY: Record<VerdictAction, number> = { deliver: 0, hold: 1, reject: 2 };

/**
 * Folds detector hits into a verdict: each hit takes the action of the first rule that matches it; the most
 * severe action decides the message (reject > hold > deliver); masks and tags apply when it is delivered.
 * A mask on a part we cannot rewrite (an attachment, a header) would deliver the leak: it becomes a hold.
 */
export function decide(hits: readonly Hit[], rules: readonly Rule[], direction: Direction, maskable: (part: PartId) => boolean): Verdict {
  const findings: Finding[] = [];
  const tags: string[] = [];
  let action: VerdictAction = 'deliver';
  for (const hit of hits) {
    const rule = rules.find((r) => matches(r, hit, direction));
    if (!rule || rule.action === 'allow') continue;
    // A replacement means something only to a mask.
    const { replacement, ...located } = hit;
    let finding: Finding;
    if (rule.action === 'mask' && !maskable(hit.part)) {
      finding = { ...located, ruleId: rule.id, action: 'hold', escalated: 'unmaskable-part' };
    } else if (rule.action === 'mask') {
      finding = { ...located, ruleId: rule.id, action: 'mask', replacement: replacement ?? rule.replacement ?? DEFAULT_REPLACEMENT };
    } else {
      finding = { ...located, ruleId: rule.id, action: rule.action };
    }
    findings.push(finding);
    if (finding.action === 'tag' && !tags.includes(rule.id)) tags.push(rule.id);
    const effect: VerdictAction = finding.action === 'reject' ? 'reject' : finding.action === 'hold' ? 'hold' : 'deliver';
    if (SEVERITY[effect] > SEVERITY[action]) action = effect;
  }
  return { action, findings, tags };
}

function matches(rule: Rule, hit: Hit, direction: Direction): boolean {
  if (rule.detector !== hit.detector) return false;
  if (rule.direction !== 'both' && rule.direction !== direction) return false;
  if (rule.obfuscated !== undefined && rule.obfuscated !== Boolean(hit.obfuscated)) return false;
  return !rule.kinds || rule.kinds.includes(hit.kind);
}
