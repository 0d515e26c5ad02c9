import { describe, expect, it } from 'vitest';
import { GramIndex, probeOf } from './gram-index.js';

describe('GramIndex', () => {
  const texts = ['', 'a', 'send me your email', '리뷰 삭제 부탁드립니다 010-1234-5678', 'mixed 한글 and 😀 emoji', 'x'.repeat(300) + 'tail'];

  it('when a string occurs in the text, then the index never says it is absent', () => {
    for (const text of texts) {
      const index = GramIndex.of(text);
      for (let from = 0; from < text.length; from++) {
        for (let to = from + 1; to <= Math.min(text.length, from + 9); to++) expect(index.mayContain(probeOf(text.slice(from, to)))).toBe(true);
      }
    }
  });

  it('when a literal is absent from a short text, then the index says so', () => {
    const index = GramIndex.of('thanks for your order');
    expect(index.mayContain(probeOf('whatsapp'))).toBe(false);
    expect(index.mayContain(probeOf('카톡'))).toBe(false);
  });

  it('when every clause has a present literal, then the pattern may match; one unmet clause rules it out', () => {
    const index = GramIndex.of('please send me your email');
    expect(index.maySatisfy([[probeOf('give'), probeOf('send')], [probeOf('email')]])).toBe(true);
    expect(index.maySatisfy([[probeOf('send')], [probeOf('phone'), probeOf('kakao')]])).toBe(false);
    expect(index.maySatisfy([])).toBe(true);
  });
});
