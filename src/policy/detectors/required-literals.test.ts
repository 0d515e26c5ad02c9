import { describe, expect, it } from 'vitest';
import { requiredLiterals } from './required-literals.js';

describe('requiredLiterals', () => {
  it.each([
    [/(?<![a-z])(?:send|give)\s{1,2}(?:your|ur)\s/g, [['ur'], ['send', 'give']]],
    [/e-?mail/g, [['email', 'e-mail']]],
    [/x(?:a|b)?y/g, [['xy', 'xay', 'xby']]],
    [/[:：]\s{0,4}/g, [[':', '：']]],
    [/(?:ab)+c/g, [['ab'], ['c']]],
    [/a{2}b/g, [['aab']]],
    [/리뷰\s?(?:삭제|수정)/g, [['리뷰'], ['삭제', '수정']]],
    [/\d{1,3}\s?%/g, [['%'], [...'0123456789']]],
  ])('when the pattern is %s, then every match needs %j', (re, expected) => {
    expect(requiredLiterals(re)).toEqual(expected);
  });

  it.each([
    ['a case-insensitive flag', /send/gi],
    ['a backreference', /(a)\1/g],
    ['an optional whole', /(?:send)?/g],
    ['a negated class', /[^a]{1,3}/g],
    ['an alternative with no literal', /send|\s+/g],
  ])('when the pattern has %s, then nothing is required (it always runs)', (_name, re) => {
    expect(requiredLiterals(re)).toEqual([]);
  });

  it('when a lookaround holds letters, then they are not required: they lie outside the match', () => {
    expect(requiredLiterals(/(?<=abc)de(?=fg)/g)).toEqual([['de']]);
  });
});
