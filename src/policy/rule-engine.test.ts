import { describe, expect, it } from 'vitest';
import type { Rule } from './policy-schema.js';
import { decide } from './rule-engine.js';
import type { Hit } from './types.js';

const hit = (over: Partial<Hit> = {}): Hit => ({ detector: 'foreign-address', kind: 'address', part: 'text', start: 0, end: 5, match: 'a@b.c', ...over });
const rules: Rule[] = [
  { id: 'evasion', detector: 'foreign-address', direction: 'both', action: 'reject', obfuscated: true },
  { id: 'seller-address', detector: 'foreign-address', direction: 'seller_to_buyer', action: 'hold' },
  { id: 'buyer-address', detector: 'foreign-address', direction: 'buyer_to_seller', action: 'mask' },
  { id: 'bulk-tag', detector: 'marketing', direction: 'both', action: 'tag', kinds: ['bulk'] },
  { id: 'marketing-ok', detector: 'marketing', direction: 'both', action: 'allow' },
];
const everywhere = () => true;

describe('decide', () => {
  it('when nothing was found, then the message is delivered with no findings or tags', () => {
    expect(decide([], rules, 'seller_to_buyer', everywhere)).toEqual({ action: 'deliver', findings: [], tags: [] });
  });

  it('when a hit matches several rules, then the first one in file order decides', () => {
    const v = decide([hit({ obfuscated: true })], rules, 'buyer_to_seller', everywhere);
    expect(v.action).toBe('reject');
    expect(v.findings.map((f) => f.ruleId)).toEqual(['evasion']);
  });

  it('when the same finding comes from a seller or a buyer, then the direction picks the rule', () => {
    expect(decide([hit()], rules, 'seller_to_buyer', everywhere).action).toBe('hold');
    const buyer = decide([hit()], rules, 'buyer_to_seller', everywhere);
    expect(buyer.action).toBe('deliver');
    expect(buyer.findings[0]).toMatchObject({ action: 'mask', replacement: '[contact details removed]', ruleId: 'buyer-address' });
  });

  it('when a hit brings its own replacement, then the mask uses it (an alias)', () => {
    const v = decide([hit({ replacement: 'x@relay.test' })], rules, 'buyer_to_seller', everywhere);
    expect(v.findings[0]!.replacement).toBe('x@relay.test');
  });

  it('when a mask falls on a part that cannot be rewritten, then it is held instead', () => {
    const v = decide([hit({ part: 'attachment[0]' })], rules, 'buyer_to_seller', (p) => p === 'text');
    expect(v.action).toBe('hold');
    expect(v.findings[0]).toMatchObject({ action: 'hold', escalated: 'unmaskable-part' });
    expect(v.findings[0]!.replacement).toBeUndefined();
  });

  it('when a rule filters on kinds, then only those kinds match it, and allow drops the rest', () => {
    const v = decide([hit({ detector: 'marketing', kind: 'bulk' }), hit({ detector: 'marketing', kind: 'language' })], rules, 'seller_to_buyer', everywhere);
    expect(v).toMatchObject({ action: 'deliver', tags: ['bulk-tag'] });
    expect(v.findings).toHaveLength(1);
  });

  it('when findings disagree, then the most severe action wins: reject over hold over deliver', () => {
    const v = decide([hit(), hit({ obfuscated: true }), hit({ detector: 'marketing', kind: 'bulk' })], rules, 'seller_to_buyer', everywhere);
    expect(v.action).toBe('reject');
    expect(v.findings.map((f) => f.action)).toEqual(['hold', 'reject', 'tag']);
  });

  it('when no rule matches a hit, then it is not reported', () => {
    expect(decide([hit({ detector: 'contact-request', kind: 'request' })], rules, 'seller_to_buyer', everywhere).findings).toEqual([]);
  });
});
