import { describe, expect, it } from 'vitest';
import { ALIAS_LENGTH, aliasLocalRe, base32, deriveAliases, pairIdFor } from './alias.js';

describe('alias derivation', () => {
  const key = Buffer.alloc(32, 7);

  it('when bytes are base32-encoded, then the output matches RFC 4648 (lowercase, unpadded)', () => {
    expect(base32(Buffer.from('foobar'))).toBe('mzxw6ytboi');
    expect(base32(Buffer.from('f'))).toBe('my');
  });

  it('when aliases are derived, then they carry at least 128 bits in lowercase base32', () => {
    const { buyerAlias, sellerAlias } = deriveAliases(key, pairIdFor('b', 's'));
    expect(ALIAS_LENGTH * 5).toBeGreaterThanOrEqual(128);
    expect(buyerAlias).toMatch(aliasLocalRe);
    expect(sellerAlias).toMatch(aliasLocalRe);
    expect(buyerAlias).not.toBe(sellerAlias);
  });

  it('when the same pair is derived twice with one key, then the aliases are equal; with another key, they differ', () => {
    const id = pairIdFor('b1', 's1');
    expect(deriveAliases(key, id)).toEqual(deriveAliases(key, id));
    expect(deriveAliases(Buffer.alloc(32, 8), id).buyerAlias).not.toBe(deriveAliases(key, id).buyerAlias);
  });

  it('when one buyer buys from two sellers, then each seller sees a different alias for the buyer', () => {
    expect(deriveAliases(key, pairIdFor('b1', 's1')).buyerAlias).not.toBe(deriveAliases(key, pairIdFor('b1', 's2')).buyerAlias);
  });

  it('when 5000 pairs are derived, then all 10000 aliases are distinct and characters are spread uniformly', () => {
    const all = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const { buyerAlias, sellerAlias } = deriveAliases(key, pairIdFor(`b${i}`, `s${i % 37}`));
      all.add(buyerAlias).add(sellerAlias);
      // The last character holds only 2 random bits; count the 25 full characters.
      for (const c of (buyerAlias.slice(0, 25) + sellerAlias.slice(0, 25))) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(all.size).toBe(10000);
    expect(counts.size).toBe(32);
    // Chi-square over 31 degrees of freedom; 70 is far beyond the 0.9999 quantile (~66) for uniform data.
    const expected = (10000 * 25) / 32;
    const chi2 = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(70);
  });
});
