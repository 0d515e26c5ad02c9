import { describe, expect, it } from 'vitest';
import { loadPolicyFileSync, parsePolicy, PolicyConfigError } from './load-policy.js';

const valid = `
version: 1
rules:
  - { id: a, detector: foreign-address, direction: both, action: hold }
`;

function errorOf(yaml: string): PolicyConfigError {
  try {
    parsePolicy(yaml, 'test.yaml');
  } catch (err) {
    if (err instanceof PolicyConfigError) return err;
    throw err;
  }
  throw new Error('expected a PolicyConfigError');
}

describe('parsePolicy', () => {
  it('when the shipped config/policy.yaml is loaded, then it validates with the documented defaults', () => {
    const policy = loadPolicyFileSync('config/policy.yaml');
    const byId = new Map(policy.rules.map((r) => [r.id, r]));
    expect(byId.get('obfuscated-address')).toMatchObject({ action: 'reject', obfuscated: true, direction: 'both' });
    expect(byId.get('seller-foreign-address')?.action).toBe('hold');
    expect(byId.get('buyer-foreign-address')?.action).toBe('mask');
    expect(byId.get('known-address-alias')?.action).toBe('mask');
    expect(policy.detectors['contact-channel'].defaultRegion).toBe('KR');
  });

  it('when detector options are left out, then defaults fill them', () => {
    const policy = parsePolicy(valid, 'test.yaml');
    expect(policy.detectors.marketing).toEqual({ duplicateThreshold: 30, duplicateMinWords: 20 });
    expect(policy.detectors['contact-channel']).toEqual({ defaultRegion: 'KR', allowLinkDomains: [] });
  });

  it('when a rule has a bad action, then the error names the rule index, its id and the field', () => {
    const err = errorOf(valid.replace('action: hold', 'action: block'));
    expect(err.location).toBe('rules[0] (id "a").action');
    expect(err.message).toMatch(/^test\.yaml: rules\[0\] \(id "a"\)\.action: .*allow/);
  });

  it('when rule ids repeat, then the second one is reported', () => {
    const err = errorOf(`${valid}  - { id: a, detector: marketing, direction: both, action: tag }\n`);
    expect(err.location).toBe('rules[1] (id "a").id');
    expect(err.reason).toBe('duplicate rule id "a"');
  });

  it('when a rule names a kind its detector does not have, then the error lists the valid kinds', () => {
    const err = errorOf(valid.replace('action: hold }', 'action: hold, kinds: [bulk] }'));
    expect(err.location).toBe('rules[0] (id "a").kinds[0]');
    expect(err.reason).toContain('address, provider-handle');
  });

  it('when the phone region is unknown or a domain malformed, then the detector option is named', () => {
    expect(errorOf(`${valid}detectors:\n  contact-channel: { defaultRegion: XX }\n`).location).toBe('detectors.contact-channel.defaultRegion');
    expect(errorOf(`${valid}detectors:\n  contact-channel: { allowLinkDomains: ["Not A Domain"] }\n`).location).toBe('detectors.contact-channel.allowLinkDomains[0]');
  });

  it('when the YAML does not parse, then the error gives line and column', () => {
    const err = errorOf('version: 1\nrules: [\n  - a: b\n');
    expect(err.location).toMatch(/^line \d+, column \d+$/);
  });

  it('when a non-mask rule has a replacement or an unknown key, then it is refused', () => {
    expect(errorOf(valid.replace('action: hold }', 'action: hold, replacement: x }')).reason).toBe('only a mask rule has a replacement');
    expect(errorOf(valid.replace('action: hold }', 'action: hold, when: x }')).location).toBe('rules[0] (id "a")');
  });
});
