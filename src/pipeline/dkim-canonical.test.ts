import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { relaxedBodyHash } from './dkim-canonical.js';

/** RFC 6376 §3.4.4 as written, line by line on strings: slow, obviously right, the yardstick. */
function reference(body: Buffer): string {
  const text = body.toString('latin1');
  const lines = text.split('\r\n');
  if (text.endsWith('\r\n')) lines.pop();
  const relaxed = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (relaxed.length && relaxed[relaxed.length - 1] === '') relaxed.pop();
  const canonical = relaxed.length ? `${relaxed.join('\r\n')}\r\n` : '';
  return createHash('sha256').update(canonical, 'latin1').digest('base64');
}

/** Deterministic pseudo-random pieces: words, whitespace runs, line ends, long base64 runs. */
function randomBody(seed: number): Buffer {
  let a = seed;
  const rand = () => {
    a = (a * 1103515245 + 12345) & 0x7fffffff;
    return a / 0x7fffffff;
  };
  const pieces = ['word', ' ', '\t', '  \t ', '\r\n', '\r\n\r\n', 'QUJDREVGR0g='.repeat(7), '한국어', '.'];
  let s = '';
  for (let i = Math.floor(rand() * 60); i > 0; i--) s += pieces[Math.floor(rand() * pieces.length)];
  return Buffer.from(s, 'utf8');
}

describe('relaxedBodyHash', () => {
  it.each([
    ['an empty body', ''],
    ['only blank lines', '\r\n\r\n \t \r\n'],
    ['trailing whitespace and blank lines', 'a  b\t\tc \r\n  \r\nlast \t\r\n\r\n \r\n'],
    ['no final CRLF', 'no newline  at the end  '],
    ['leading whitespace', '  indented\r\n\tline\r\n'],
    ['a long run without whitespace between spaced lines', `top  line\r\n${'QUJD'.repeat(19)}\r\n`.repeat(50) + 'end \r\n'],
  ])('when the body is %s, then it hashes as the RFC text says', (_name, text) => {
    const body = Buffer.from(text, 'latin1');
    expect(relaxedBodyHash(body)).toBe(reference(body));
  });

  it('when bodies are large (hashed slice by slice, not in one pass), then every hash matches the reference', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const parts: Buffer[] = [];
      let size = 0;
      for (let k = seed; size <= 70 * 1024; k += 7919) {
        const piece = randomBody(k);
        parts.push(piece);
        size += piece.length;
      }
      const body = Buffer.concat(parts);
      expect(relaxedBodyHash(body), `seed ${seed}`).toBe(reference(body));
    }
  });

  it('when bodies are random mixes of words, whitespace runs and line ends, then every hash matches the reference', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const body = randomBody(seed);
      expect(relaxedBodyHash(body), body.toString('latin1')).toBe(reference(body));
    }
  });
});
