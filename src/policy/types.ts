/**
 * Shared vocabulary of the content policy: what detectors report, what rules decide and what the relay
 * receives. Pure types and constants, no I/O.
 */

export type Direction = 'seller_to_buyer' | 'buyer_to_seller';
export type RuleDirection = Direction | 'both';

/** The closed list of detectors; detectors/index.ts builds exactly these. */
export const DETECTOR_IDS = [
  'foreign-address',
  'known-address',
  'contact-channel',
  'contact-request',
  'marketing',
  'review-manipulation',
] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

/** Sub-kinds a detector reports, so a rule can single one out (e.g. bulk duplicates vs. promotional wording). */
export const DETECTOR_KINDS = {
  'foreign-address': ['address', 'provider-handle'],
  'known-address': ['address'],
  'contact-channel': ['phone', 'digits', 'messenger', 'link'],
  'contact-request': ['request'],
  marketing: ['language', 'list-header', 'tracking-pixel', 'bulk'],
  'review-manipulation': ['remove-or-change', 'positive-review', 'incentive'],
} as const satisfies Record<DetectorId, readonly string[]>;
export type DetectorKind = (typeof DETECTOR_KINDS)[DetectorId][number];

export const RULE_ACTIONS = ['allow', 'tag', 'mask', 'hold', 'reject'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export type VerdictAction = 'deliver' | 'hold' | 'reject';

/** What masking writes over a finding unless the finding brings its own replacement (an alias). */
export const DEFAULT_REPLACEMENT = '[contact details removed]';

/**
 * Where a finding lies. Offsets always index the part exactly as the caller handed it over:
 * - `subject`, `text`, `html` (raw markup, text nodes and attribute values alike), `display-name[i]`
 * - `attachment[i]` (decoded text of a text-like attachment), `attachment[i]/text`, `attachment[i]/subject`… for
 *   parts of an attached message, `attachment-name[i]` for a file name
 * - `html.rendered` (and `attachment[i].rendered`): the same HTML as rendered by html-to-text, for what only a
 *   real parser's reading shows; offsets index that rendering, and such findings can never be masked
 * - `header:<name>` for mailing-list headers, `message` for findings about the whole message (offsets 0, 0)
 */
export type PartId = string;

/** A detector's raw observation, located in a part; rules have not been applied yet. */
export interface Hit {
  detector: DetectorId;
  kind: DetectorKind;
  part: PartId;
  start: number;
  end: number;
  /** The original text of the part between start and end. */
  match: string;
  /** True when the text was disguised (spelled-out @, full-width or spaced characters…): evasion. */
  obfuscated?: boolean;
  /** What masking should write instead of the default sentence (the alias, for a known address). */
  replacement?: string;
  /** A sentence for the reviewer when the match alone does not tell the story (counts, header names). */
  detail?: string;
}

export interface Finding extends Hit {
  ruleId: string;
  /** The action this finding gets: the rule's, or `hold` when a mask cannot be applied to its part. */
  action: Exclude<RuleAction, 'allow'>;
  /** Set when the rule said mask but the part cannot be rewritten (attachments, headers). */
  escalated?: 'unmaskable-part';
}

export interface Verdict {
  action: VerdictAction;
  findings: Finding[];
  /** Ids of rules whose action is tag, for the X-Parley-Policy header. */
  tags: string[];
}

export interface MaskableContent {
  subject: string;
  text?: string;
  html?: string;
  /** Optional: display names as given in ScanInput, masked at the same indexes. */
  displayNames?: string[];
}
