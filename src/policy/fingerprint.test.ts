import { describe, expect, it } from 'vitest';
import { fingerprint, sharedBands } from './fingerprint.js';
import { normalize } from './normalize.js';

const blast = (name: string, order: string) =>
  normalize(
    `Dear ${name}, thank you for being part of our story. Every piece in our workshop is thrown by hand, glazed in small ` +
      `batches and fired twice, which is why no two bowls are the same. Your order ${order} is our pride. Enjoy the season.`,
  ).text;

describe('fingerprint', () => {
  it('when one body is sent with a different name and order number, then the fingerprints share a band', () => {
    const a = fingerprint(blast('Jisoo', '#10021'), 20)!;
    const b = fingerprint(blast('Daniel', '#88120'), 20)!;
    expect(sharedBands(a, b)).toBeGreaterThanOrEqual(1);
  });

  it('when two bodies say different things, then their fingerprints share no band', () => {
    const a = fingerprint(blast('Jisoo', '#1'), 20)!;
    const b = fingerprint(normalize('Hello, the replacement charger left our warehouse this morning with CJ and should arrive tomorrow afternoon; please tell us if the box is damaged on arrival so that we can open a claim with the courier.').text, 20)!;
    expect(sharedBands(a, b)).toBe(0);
  });

  it('when a body is shorter than the minimum, then there is no fingerprint', () => {
    expect(fingerprint('thanks, shipped today', 20)).toBeNull();
  });

  it('when a fingerprint is made, then it is six bands of eight hex digits, the same every time', () => {
    expect(fingerprint(blast('A', '1'), 20)).toMatch(/^[0-9a-f]{8}(\.[0-9a-f]{8}){5}$/);
    expect(fingerprint(blast('A', '1'), 20)).toBe(fingerprint(blast('A', '1'), 20));
  });
});
