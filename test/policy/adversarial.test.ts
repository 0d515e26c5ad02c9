import { describe, expect, it } from 'vitest';
import { defaultEngine, scanInput } from './helpers.js';

/**
 * Hostile bodies of 1 MB: each would take minutes (or never finish) under a backtracking pattern or a quadratic
 * pass. No timing is asserted (the machine is shared): finishing within the test timeout is the assertion,
 * and bench/policy.ts measures the speed.
 */
const MB = 1 << 20;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const TEXT_CASES: [string, string, number][] = [
  ['one long word', 'a'.repeat(MB), 0],
  ['a wall of @', '@'.repeat(MB), 0],
  ['a@a@a@…', fill('a@'), 0],
  ['a.a.a.…', fill('a.'), 0],
  ['"at" repeated', fill('at '), 0],
  ['spelled dots without an at', fill('john dot gmail dot '), 0],
  ['Korean anchors repeated', fill('골뱅이 점 '), 0],
  ['spaced single letters', fill('a '), 0],
  ['digits in parentheses', fill('(1'), 0],
  ['lone digits', fill('1 '), 0],
  ['one long number', '7'.repeat(MB), 0],
  ['combining marks', fill('e\u0301'), 0],
  ['zero-width characters', fill('\u200b'), 0],
  ['request openers with no object', fill('send me your '), 0],
  ['review words without incentive', fill('review 5 star '), 0],
  ['percent signs', fill('9% '), 0],
  ['quote markers', fill('>\n'), 0],
];

describe('adversarial inputs', () => {
  it.each(TEXT_CASES)('when a 1 MB body is %s, then the scan finishes with no finding', async (_name, text, findings) => {
    const v = await defaultEngine().scan(scanInput({ text }));
    expect(v.findings).toHaveLength(findings);
  });

  it('when a 1 MB body is packed with real addresses, then every one is found', async () => {
    const v = await defaultEngine().scan(scanInput({ direction: 'buyer_to_seller', text: fill('kim.j@gmail.com ') }));
    expect(v.findings.length).toBe(Math.floor(MB / 16));
    expect(v.action).toBe('deliver');
  });

  it('when a 1 MB body is packed with phone numbers, then the scan finishes and holds the message', async () => {
    const v = await defaultEngine().scan(scanInput({ text: fill('010-1234-5678 ') }));
    expect(v.action).toBe('hold');
    expect(v.findings.length).toBeGreaterThan(50_000);
  });

  it('when 1 MB of HTML is malformed (open brackets, entities, unterminated attributes, deep nesting), then the scan finishes', async () => {
    const engine = defaultEngine();
    for (const html of ['<'.repeat(MB), fill('&#'), fill('<a href="'), '<div>'.repeat(MB / 5), fill('<p title=a>x')]) {
      const v = await engine.scan(scanInput({ html }));
      expect(v.action).toBe('deliver');
    }
  });

  it('when attached messages nest deeper than the limit, then the scan finishes and still reads the innermost text', async () => {
    let message = 'Subject: inner\r\nContent-Type: text/plain\r\n\r\nmail kim@gmail.com\r\n';
    for (let i = 0; i < 8; i++) {
      message = `Subject: level ${i}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\nContent-Type: message/rfc822\r\n\r\n${message}\r\n--b${i}--\r\n`;
    }
    const v = await defaultEngine().scan(scanInput({ attachments: [{ filename: 'fwd.eml', contentType: 'message/rfc822', content: Buffer.from(message) }] }));
    expect(v.action).toBe('hold');
    expect(v.findings.some((f) => f.match.includes('kim@gmail.com'))).toBe(true);
  });
});
