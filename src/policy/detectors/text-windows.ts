/**
 * Small context windows around a match, cut at sentence or line ends, for cue and negation checks. Windows are
 * bounded, so checking them costs a constant per match.
 */

/**
 * Sentence ends: . ! ? ; and blank lines. A single line break is not one: plain-text mail wraps sentences at
 * ~76 columns. A "." inside a token (3.5, e.g, example.com) is not one either.
 */
function isSentenceEnd(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 0x21 || c === 0x3f || c === 0x3b) return true;
  if (c === 0x0a) return s.charCodeAt(i + 1) === 0x0a || s.charCodeAt(i - 1) === 0x0a || s.charCodeAt(i + 1) === 0x3e;
  return c === 0x2e && (i + 1 >= s.length || s.charCodeAt(i + 1) === 0x20 || s.charCodeAt(i + 1) === 0x0a);
}

/** Up to `size` units before `at`, from the start of the sentence at most. */
export function sentenceBefore(s: string, at: number, size: number): string {
  const from = Math.max(0, at - size);
  for (let i = at - 1; i >= from; i--) if (isSentenceEnd(s, i)) return s.slice(i + 1, at);
  return s.slice(from, at);
}

/** Up to `size` units from `at`, to the end of the sentence at most. */
export function sentenceAfter(s: string, at: number, size: number): string {
  const to = Math.min(s.length, at + size);
  for (let i = at; i < to; i++) if (isSentenceEnd(s, i)) return s.slice(at, i);
  return s.slice(at, to);
}

/** Up to `size` units before `at` on the same line. */
export function lineBefore(s: string, at: number, size: number): string {
  const window = s.slice(Math.max(0, at - size), at);
  return window.slice(window.lastIndexOf('\n') + 1);
}

/**
 * English negation before a phrase ("we cannot share email addresses", "never ask for your number"). Idioms that
 * contain a negation but encourage ("don't hesitate", "don't forget", "if you don't mind") do not count.
 */
const NEGATION_BEFORE =
  /(?<![a-z])(?:not|never|no|cannot|can't|cant|don't|dont|doesn't|won't|wont|shouldn't|mustn't|unable|without|prohibited|forbidden|against|avoid|refrain|nor)(?![a-z'])(?!\s{1,3}(?:hesitate|forget|mind|worry|wait))/;
/** Korean negation follows the verb: "알려드릴 수 없습니다", "보내지 마세요", "요청하지 않습니다". */
const NEGATION_AFTER_KO = /않|없|못|마세요|마십시오|말아|말고|말라|금지|불가|안\s?됩니다|안\s?돼|무관|상관없|삼가/;
/** … and sometimes precedes it: "절대 …", "안 알려". */
const NEGATION_BEFORE_KO = /절대|(?:^|\s)안\s|금지|불가/;

/**
 * Whether the phrase at [start, end) of s is negated within its sentence. English negation sits within a few
 * words before ("we can never share your …": 48 characters); Korean negation ends the verb, within a few
 * syllables after ("알려드릴 수 없습니다": 16).
 */
export function isNegated(s: string, start: number, end: number): boolean {
  const before = sentenceBefore(s, start, NEGATION_BEFORE_WINDOW);
  if (NEGATION_BEFORE.test(before) || NEGATION_BEFORE_KO.test(before)) return true;
  return NEGATION_AFTER_KO.test(sentenceAfter(s, end, NEGATION_AFTER_WINDOW));
}

const NEGATION_BEFORE_WINDOW = 48;
const NEGATION_AFTER_WINDOW = 16;
