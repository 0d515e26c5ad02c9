import { originalSpan } from '../mapped-text.js';
import type { NormalizedText } from '../normalize.js';
import type { DetectorKind } from '../types.js';
import type { TextHit, TextView } from './detector.js';
import { GramIndex, probesOf, type LiteralProbe } from './gram-index.js';
import { requiredLiterals } from './required-literals.js';
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

/**
 * A detector's patterns, each with the literals it cannot match without (read from its source once, at load).
 * Most segments contain the literals of only a few of the ~100 patterns: the rest are skipped unread.
 */
export interface PhraseSet {
  readonly patterns: readonly PhrasePattern[];
  /** required[i]: clauses for patterns[i], each a list of literal probes of which the text must hold one. */
  readonly required: readonly (readonly LiteralProbe[])[][];
}

export function phraseSet(patterns: readonly PhrasePattern[]): PhraseSet {
  return { patterns, required: patterns.map((p) => probesOf(requiredLiterals(p.re))) };
}

export function matchPhrases(view: TextView, set: PhraseSet): TextHit[] {
  if (isRepliedSubject(view)) return [];
  const text = view.norm.text;
  const index = gramIndexOf(view.norm);
  const hits: TextHit[] = [];
  for (let i = 0; i < set.patterns.length; i++) {
    const p = set.patterns[i]!;
    if (!index.maySatisfy(set.required[i]!)) continue;
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

/** One index per normalised text, shared by the detectors that read it (contact requests, marketing, reviews). */
const indexes = new WeakMap<NormalizedText, GramIndex>();

function gramIndexOf(norm: NormalizedText): GramIndex {
  let index = indexes.get(norm);
  if (!index) indexes.set(norm, (index = GramIndex.of(norm.text)));
  return index;
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
