/** Span bookkeeping shared by detectors and masking, O(n log n) so that huge bodies with many matches stay cheap. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Keeps a set of non-overlapping spans: lower rank first, then earlier start. Each rank level is swept
 * against the (sorted, disjoint) spans already kept.
 */
export function keepDisjoint<T extends Span>(items: readonly T[], rank: (item: T) => number): T[] {
  // Most texts have no finding and most others one: no levels to sort then (called per detector and segment).
  if (items.length <= 1) return items.slice();
  const levels = new Map<number, T[]>();
  for (const item of items) {
    const r = rank(item);
    const level = levels.get(r);
    if (level) level.push(item);
    else levels.set(r, [item]);
  }
  let kept: T[] = [];
  for (const r of [...levels.keys()].sort((a, b) => a - b)) {
    const level = levels.get(r)!.sort((a, b) => a.start - b.start || b.end - a.end);
    const accepted: T[] = [];
    let k = 0;
    let lastEnd = -1;
    for (const item of level) {
      while (k < kept.length && kept[k]!.end <= item.start) k++;
      const clashesKept = k < kept.length && kept[k]!.start < item.end;
      if (clashesKept || item.start < lastEnd) continue;
      accepted.push(item);
      lastEnd = item.end;
    }
    kept = mergeSorted(kept, accepted);
  }
  return kept;
}

function mergeSorted<T extends Span>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.start <= b[j]!.start)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Index of the first span overlapping [start, end) in a list sorted by start and disjoint, or -1 (binary search). */
export function overlapping(sorted: readonly Span[], start: number, end: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.start < end ? lo : -1;
}
