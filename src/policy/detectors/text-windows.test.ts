import { describe, expect, it } from 'vitest';
import { isNegated, sentenceAfter, sentenceBefore } from './text-windows.js';

describe('text windows', () => {
  it('when a sentence ends before the phrase, then the window starts after it; a wrapped line does not end it', () => {
    const s = 'Thanks. We cannot share\nyour email here.';
    const at = s.indexOf('your');
    expect(sentenceBefore(s, at, 48)).toBe(' We cannot share\n');
    expect(sentenceAfter(s, at, 48)).toBe('your email here');
  });

  it('when a negation precedes in English or follows in Korean, then the phrase is negated', () => {
    const en = 'we will never ask for your email';
    expect(isNegated(en, en.indexOf('ask'), en.length)).toBe(true);
    const ko = '이메일 주소는 알려드릴 수 없습니다';
    expect(isNegated(ko, 0, 9)).toBe(true);
  });

  it('when a negation is an encouraging idiom or in another sentence, then the phrase is not negated', () => {
    const idiom = "don't hesitate to send me your email";
    expect(isNegated(idiom, idiom.indexOf('send'), idiom.length)).toBe(false);
    const other = 'No. Send me your email';
    expect(isNegated(other, other.indexOf('Send'), other.length)).toBe(false);
  });
});
