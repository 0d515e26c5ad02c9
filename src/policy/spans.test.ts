import { describe, expect, it } from 'vitest';
import { keepDisjoint, overlapping } from './spans.js';

describe('keepDisjoint', () => {
  it('when spans overlap, then lower rank wins, then the earlier and longer span', () => {
    const kept = keepDisjoint(
      [
        { start: 0, end: 10, rank: 2 },
        { start: 5, end: 8, rank: 1 },
        { start: 12, end: 14, rank: 2 },
        { start: 12, end: 20, rank: 2 },
      ],
      (s) => s.rank,
    );
    expect(kept.map((s) => [s.start, s.end])).toEqual([
      [5, 8],
      [12, 20],
    ]);
  });

  it('when looking up a range in disjoint sorted spans, then the first overlapping index is found', () => {
    const spans = [
      { start: 0, end: 2 },
      { start: 5, end: 9 },
    ];
    expect(overlapping(spans, 3, 6)).toBe(1);
    expect(overlapping(spans, 2, 5)).toBe(-1);
  });
});
