import { describe, expect, it } from 'vitest';
import { originalSpan } from './mapped-text.js';
import { normalize } from './normalize.js';

/** The original text behind a stretch of the normalised one. */
function behind(raw: string, needle: string): string {
  const n = normalize(raw);
  const at = n.text.indexOf(needle);
  expect(at, `"${needle}" in "${n.text}"`).toBeGreaterThanOrEqual(0);
  const [s, e] = originalSpan(n, at, at + needle.length);
  return raw.slice(s, e);
}

describe('normalize', () => {
  it('when text uses full-width characters, then NFKC makes them ASCII and offsets cover the originals', () => {
    expect(normalize('ＪＯＨＮ＠ｇｍａｉｌ．ｃｏｍ').text).toBe('john@gmail.com');
    expect(behind('mail: john＠gmail．com!', 'john@gmail.com')).toBe('john＠gmail．com');
  });

  it('when zero-width and bidi characters hide inside a word, then they are removed but stay inside the mapped span', () => {
    const raw = 'jo\u200bhn@g\u202email\u2060.com';
    expect(normalize(raw).text).toBe('john@gmail.com');
    expect(behind(raw, 'john@gmail.com')).toBe(raw);
  });

  it('when Cyrillic or Greek look-alikes replace Latin letters, then they read as Latin', () => {
    expect(normalize('jоhn@gmаil.cοm').text).toBe('john@gmail.com');
  });

  it('when Latin letters carry diacritics, then the marks are dropped; Korean is left alone', () => {
    expect(normalize('jóhn@gmáil.com').text).toBe('john@gmail.com');
    expect(normalize('안녕하세요, 주문 감사합니다').text).toBe('안녕하세요, 주문 감사합니다');
  });

  it('when letters and digits are spaced out, then the run is joined and maps back to the spaced original', () => {
    expect(normalize('j o h n @ g m a i l . c o m').text).toBe('john@gmail.com');
    expect(normalize('call 0 1 0 1 2 3 4 5 6 7 8').text).toBe('call 01012345678');
    expect(behind('write j o h n @ g m a i l . c o m now', 'john@gmail.com')).toBe('j o h n @ g m a i l . c o m');
  });

  it('when ordinary prose has up to three single-letter words in a row, then nothing is joined', () => {
    expect(normalize('I a m fine, size S M L').text).toBe('i a m fine, size s m l');
  });

  it('when the text is upper case, then it is lower-cased with unchanged offsets', () => {
    const n = normalize('Hello WORLD');
    expect(n.text).toBe('hello world');
    expect(originalSpan(n, 6, 11)).toEqual([6, 11]);
  });

  it('when a character expands under NFKC, then every unit it became maps to it', () => {
    const n = normalize('a\ufb01b');
    expect(n.text).toBe('afib');
    expect(originalSpan(n, 1, 3)).toEqual([1, 2]);
  });

  it('when the text has lone surrogates or control characters, then normalising neither throws nor shifts offsets', () => {
    const n = normalize('a\ud800b\u0001c');
    expect(n.text).toBe('a\ufffdbc');
    expect(originalSpan(n, 3, 4)).toEqual([4, 5]);
  });
});
