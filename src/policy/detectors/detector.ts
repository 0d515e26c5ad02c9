import type { HtmlView } from '../html-view.js';
import { normalize, type NormalizedText } from '../normalize.js';
import type { Segment } from '../segments.js';
import type { DetectorId, DetectorKind, Direction, Hit } from '../types.js';

/** One segment as detectors see it: the decoded text and its normalised form, mapped back to it. */
export interface TextView {
  segment: Segment;
  /** The decoded segment text; TextHit offsets index this string. */
  raw: string;
  norm: NormalizedText;
}

/** What a detector found in a segment; offsets index view.raw. */
export interface TextHit {
  kind: DetectorKind;
  start: number;
  end: number;
  obfuscated?: boolean;
  replacement?: string;
  detail?: string;
}

/** Facts about the whole message for checks that are not about one stretch of text. */
export interface MessageFacts {
  sellerId: string;
  day: string;
  headers: Map<string, string[]>;
  html?: HtmlView;
  /** The body text as a recipient reads it (text part, else rendered HTML), normalised. */
  bodyText: string;
}

export interface ScanContext {
  direction: Direction;
  aliasDomain: string;
  /** Lower-cased real address of either party → the alias that replaces it. */
  knownAddresses: ReadonlyMap<string, string>;
}

/**
 * The one shape every detector has. Text inspection is synchronous and linear in the segment length; only
 * message-level checks may do I/O (the duplicate counter).
 */
export interface Detector {
  readonly id: DetectorId;
  inspectText(view: TextView, ctx: ScanContext): TextHit[];
  inspectMessage?(message: MessageFacts, ctx: ScanContext): Promise<Hit[]>;
}

/** The view detectors read for a segment: its decoded text, normalised once. */
export function viewOf(segment: Segment): TextView {
  return { segment, raw: segment.text, norm: normalize(segment.text) };
}

/** A view of plain text, as in a text part; for tests and tools. */
export function textView(text: string, origin: Segment['origin'] = 'body'): TextView {
  return viewOf({ part: 'text', source: text, text, maskable: true, origin });
}
