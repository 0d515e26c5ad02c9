import { originalSpan } from '../mapped-text.js';
import type { DetectorKind } from '../types.js';
import type { TextHit, TextView } from './detector.js';
import { isNegated } from './text-windows.js';

/**
 * A family of phrasings for one kind of finding, matched on normalised text. Patterns must be global, start
 * with a literal or a small class, and bound every repetition: they run over whole bodies.
 */
export interface PhrasePattern {
  kind: DetectorKind;
  re: RegExp;
  /** Whether a negation in the same sentence ("we never ask for…") cancels the match. Default true. */
  negatable?: boolean;
  /** Extra check on the match, given the normalised text and the match's bounds. */
  accept?: (text: string, start: number, end: number) => boolean;
}

export function matchPhrases(view: TextView, patterns: readonly PhrasePattern[]): TextHit[] {
  if (isRepliedSubject(view)) return [];
  const text = view.norm.text;
  const hits: TextHit[] = [];
  for (const p of patterns) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start) {
        p.re.lastIndex++;
        continue;
      }
      if (isQuotedLine(text, start)) continue;
      if (p.negatable !== false && isNegated(text, start, end)) continue;
      if (p.accept && !p.accept(text, start, end)) continue;
      const [rs, re] = originalSpan(view.norm, start, end);
      hits.push({ kind: p.kind, start: rs, end: re });
    }
  }
  return hits;
}

/**
 * A line quoted from the other party ("> can I get your email?") repeats their words; it was judged when they
 * sent it. Wording detectors skip it; address and number detectors still read it, since a quote can be forged.
 */
export function isQuotedLine(text: string, at: number): boolean {
  const from = Math.max(0, at - MAX_QUOTED_LINE);
  let i = at;
  while (i > from && text.charCodeAt(i - 1) !== 0x0a) i--;
  if (i === from && from > 0) return false;
  while (i < at && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return text.charCodeAt(i) === 0x3e;
}

/** Quoted lines are short; looking further back for the line start would make long lines quadratic. */
const MAX_QUOTED_LINE = 512;

/** "Re: Can I get your email?" repeats the subject the other party wrote. */
const REPLY_SUBJECT = /^\s{0,8}(?:(?:re|fwd?|aw|sv|답장|회신|전달)(?:\[\d{1,3}\])?\s{0,2}[:：]\s{0,4})+/i;

/** Whether a whole segment is the other party's wording: a reply or forward subject. */
export function isRepliedSubject(view: TextView): boolean {
  return view.segment.origin === 'subject' && REPLY_SUBJECT.test(view.raw);
}

/** Builds a global pattern from parts; keeps the long alternations readable. */
export function pattern(...parts: (string | RegExp)[]): RegExp {
  return new RegExp(parts.map((p) => (typeof p === 'string' ? p : p.source)).join(''), 'g');
}
