import { describe, expect, it } from 'vitest';
import { randomPooled } from './random-pool.js';

describe('randomPooled', () => {
  it('when many values are drawn, then each has the asked size and none repeats, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const v = randomPooled(12);
      expect(v.length).toBe(12);
      seen.add(v.toString('hex'));
    }
    expect(seen.size).toBe(5000);
  });

  it('when a value was handed out, then later draws never change it', () => {
    const first = randomPooled(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) randomPooled(15);
    expect(first.equals(copy)).toBe(true);
  });

  it('when a large value is asked for, then it comes straight from the system source', () => {
    expect(randomPooled(4096).length).toBe(4096);
  });
});
