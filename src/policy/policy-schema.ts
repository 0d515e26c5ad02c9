import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { DETECTOR_IDS, DETECTOR_KINDS, RULE_ACTIONS } from './types.js';

/**
 * The shape of config/policy.yaml. Rules are read top to bottom and the first rule matching a finding
 * (detector, direction, and the optional obfuscated / kinds filters) decides its action, like a firewall:
 * put narrow rules (evasion → reject) above broad ones.
 */
const domain = z
  .string()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'must be a lower-case domain name like example.com');

const rule = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes (at most 64)'),
  description: z.string().max(500).optional(),
  detector: z.enum(DETECTOR_IDS),
  direction: z.enum(['seller_to_buyer', 'buyer_to_seller', 'both']),
  action: z.enum(RULE_ACTIONS),
  /** Only findings that were (true) or were not (false) disguised. */
  obfuscated: z.boolean().optional(),
  /** Only findings of these kinds (see DETECTOR_KINDS). */
  kinds: z.array(z.string()).min(1).optional(),
  /** What masking writes, when the finding brings no replacement of its own (an alias does). */
  replacement: z.string().min(1).max(200).optional(),
});

const detectors = z.strictObject({
  'foreign-address': z.strictObject({ allowDomains: z.array(domain).default([]) }).prefault({}),
  'contact-channel': z
    .strictObject({
      defaultRegion: z
        .string()
        .refine((v) => isSupportedCountry(v), 'must be a region code libphonenumber knows, like KR or US')
        .transform((v) => v as CountryCode)
        .default('KR'),
      allowLinkDomains: z.array(domain).default([]),
    })
    .prefault({}),
  marketing: z
    .strictObject({
      duplicateThreshold: z.number().int().min(2).max(1_000_000).default(30),
      duplicateMinWords: z.number().int().min(1).max(10_000).default(20),
    })
    .prefault({}),
});

export const policySchema = z
  .strictObject({
    version: z.literal(1),
    detectors: detectors.prefault({}),
    rules: z.array(rule).min(1, 'needs at least one rule'),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
      const known: readonly string[] = DETECTOR_KINDS[r.detector];
      r.kinds?.forEach((k, j) => {
        if (!known.includes(k)) {
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'kinds', j], message: `"${k}" is not a kind of ${r.detector} (one of: ${known.join(', ')})` });
        }
      });
      if (r.replacement !== undefined && r.action !== 'mask') {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'replacement'], message: 'only a mask rule has a replacement' });
      }
    });
  });

export type PolicyFile = z.output<typeof policySchema>;
export type Rule = PolicyFile['rules'][number];
export type DetectorOptions = PolicyFile['detectors'];

/** A validated policy, as rules and detectors use it. */
export interface Policy {
  rules: readonly Rule[];
  detectors: DetectorOptions;
  /** Where it was read from, for messages ("config/policy.yaml"). */
  source: string;
}
