import { describe, expect, it } from 'vitest';
import { contactRequestPhrases } from '../../src/policy/detectors/contact-request.js';
import { textView } from '../../src/policy/detectors/detector.js';
import { marketingPhrases } from '../../src/policy/detectors/marketing-phrases.js';
import { matchPhrases, type PhraseSet } from '../../src/policy/detectors/phrases.js';
import { requiredLiterals, type RequiredLiterals } from '../../src/policy/detectors/required-literals.js';
import { reviewPhrases } from '../../src/policy/detectors/review-manipulation.js';
import { normalize } from '../../src/policy/normalize.js';
import { loadCorpus } from '../corpus/load-corpus.js';

/**
 * The phrase prefilter skips a pattern when a text lacks every literal of one of its required clauses. These
 * tests hold it to "never skips a pattern that would match": on the labelled corpus (as written, upper-cased,
 * full-width, with look-alike letters) and on example matches sampled from every pattern's own grammar.
 */
const SETS: Record<string, PhraseSet> = { 'contact-request': contactRequestPhrases, marketing: marketingPhrases, 'review-manipulation': reviewPhrases };
const PATTERNS = Object.values(SETS).flatMap((s) => s.patterns);

const FULL_WIDTH = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const LOOK_ALIKES = (s: string) => s.replace(/[aeopc]/g, (c) => ({ a: 'а', e: 'е', o: 'о', p: 'р', c: 'с' })[c]!);
const corpusTexts = loadCorpus()
  .flatMap((m) => [m.subject, m.text ?? '', ...m.attachments.map((a) => a.text)])
  .filter(Boolean)
  .flatMap((t) => [t, t.toUpperCase(), FULL_WIDTH(t), LOOK_ALIKES(t)]);
const normalised = corpusTexts.map((t) => normalize(t).text);

/** Whether a match satisfies every clause: each names a literal found inside the match itself. */
function satisfies(match: string, required: RequiredLiterals): boolean {
  return required.every((clause) => clause.some((literal) => match.includes(literal)));
}

function unfiltered(set: PhraseSet): PhraseSet {
  return { patterns: set.patterns, required: set.patterns.map(() => []) };
}

describe('phrase prefilter', () => {
  it('when a shipped pattern is read, then it requires at least one literal (the filter covers every pattern)', () => {
    for (const p of PATTERNS) expect(requiredLiterals(p.re), p.re.source).not.toEqual([]);
  });

  it('when a pattern matches a corpus text, then every required clause is in the match', () => {
    let matches = 0;
    for (const p of PATTERNS) {
      const required = requiredLiterals(p.re);
      for (const text of normalised) {
        for (const m of text.matchAll(new RegExp(p.re.source, 'g'))) {
          matches++;
          expect(satisfies(m[0], required), `${p.re.source} on "${m[0]}"`).toBe(true);
        }
      }
    }
    expect(matches).toBeGreaterThan(300);
  });

  it.each(Object.entries(SETS))('when %s phrases run with and without the filter, then the corpus findings are the same', (_name, set) => {
    const all = unfiltered(set);
    for (const text of corpusTexts) {
      for (const origin of ['body', 'subject'] as const) {
        expect(matchPhrases(textView(text, origin), set)).toEqual(matchPhrases(textView(text, origin), all));
      }
    }
  });

  it('when example matches are sampled from each pattern, then every required clause is in each', () => {
    for (const p of PATTERNS) {
      const required = requiredLiterals(p.re);
      let valid = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const sample = sampleFrom(p.re.source, seed);
        // The sample is only an example if the real pattern agrees; context lets edge lookarounds pass.
        for (const text of [sample, ` ${sample} `, ` ${sample}010-1234-5678`]) {
          const m = new RegExp(p.re.source).exec(text);
          if (!m) continue;
          valid++;
          expect(satisfies(m[0], required), `${p.re.source} on "${m[0]}"`).toBe(true);
          break;
        }
      }
      expect(valid, p.re.source).toBeGreaterThan(0);
    }
  });
});

/**
 * A random string from a pattern's grammar: one alternative, a repeat count near the minimum, one member of a
 * class. Independent of required-literals.ts's reader, and checked against the real pattern by the caller.
 */
function sampleFrom(source: string, seed: number): string {
  let state = seed * 2654435761;
  const rand = (n: number) => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return ((state >>> 0) % n + n) % n;
  };
  let i = 0;
  const disjunction = (): string => {
    const alternatives: string[] = [];
    let current = '';
    const pickIndex = () => rand(64);
    const picks: number[] = [pickIndex()];
    while (i < source.length && source[i] !== ')') {
      if (source[i] === '|') {
        i++;
        alternatives.push(current);
        current = '';
        picks.push(pickIndex());
        continue;
      }
      current += term();
    }
    alternatives.push(current);
    return alternatives[picks[0]! % alternatives.length]!;
  };
  /** One atom from position i: its sample text, and whether it consumes input (lookarounds do not). */
  const atom = (): [string, boolean] => {
    const c = source[i++]!;
    if (c === '(') {
      let look = false;
      if (source.startsWith('?:', i)) i += 2;
      else if (/^\?<?[=!]/.test(source.slice(i))) {
        i += source[i + 1] === '<' ? 3 : 2;
        look = true;
      }
      const inner = disjunction();
      i++;
      return [inner, !look];
    }
    if (c === '[') {
      const close = findClassEnd(source, i);
      const member = classMember(source.slice(i, close), rand);
      i = close + 1;
      return [member, true];
    }
    if (c === '\\') {
      const e = source[i++]!;
      return [e === 's' ? ' ' : e === 'd' ? String(rand(10)) : e === 'n' ? '\n' : e, true];
    }
    return [c === '.' ? 'x' : c === '^' || c === '$' ? '' : c, true];
  };
  const term = (): string => {
    const start = i;
    const [first, consumes] = atom();
    const q = /^(?:([*+?])|\{(\d+)(?:,(\d*))?\})\??/.exec(source.slice(i));
    if (!q) return consumes ? first : '';
    i += q[0].length;
    const after = i;
    const min = q[1] ? (q[1] === '+' ? 1 : 0) : Number(q[2]);
    const max = q[1] ? (q[1] === '?' ? 1 : min + 2) : q[3] === undefined ? min : q[3] === '' ? min + 2 : Number(q[3]);
    const count = min + rand(Math.min(max, min + 2) - min + 1);
    let out = '';
    // Each repetition samples the atom afresh, so repeated alternations vary.
    for (let k = 0; k < count; k++) {
      i = start;
      out += atom()[0];
    }
    i = after;
    return consumes ? out : '';
  };
  return disjunction();
}

function findClassEnd(source: string, from: number): number {
  let j = from;
  while (source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j;
}

function classMember(body: string, rand: (n: number) => number): string {
  if (body.startsWith('^')) return body.includes('a') ? '0' : 'a';
  const members: string[] = [];
  for (let j = 0; j < body.length; j++) {
    let c = body[j]!;
    if (c === '\\') {
      const e = body[++j]!;
      c = e === 's' ? ' ' : e === 'd' ? '5' : e === 'n' ? '\n' : e;
    }
    if (body[j + 1] === '-' && j + 2 < body.length) {
      const to = body[j + 2]!;
      members.push(String.fromCharCode(c.charCodeAt(0) + rand(to.charCodeAt(0) - c.charCodeAt(0) + 1)));
      j += 2;
      continue;
    }
    members.push(c);
  }
  return members[rand(members.length)]!;
}
