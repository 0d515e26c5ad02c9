import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import type { DuplicateCounter } from '../../src/policy/duplicate-counter.js';

export type DuplicateCounterFactory = () => Promise<DuplicateCounter>;

/** The semantics every DuplicateCounter adapter must have; run against Redis and LMDB. */
export function duplicateCounterContract(name: string, open: DuplicateCounterFactory): void {
  describe(`duplicate counter contract: ${name}`, () => {
    it('when the same fingerprint is counted three times, then the counts are 1, 2 and 3', async () => {
      const counter = await open();
      const fp = '1f2e.03ab.77c0.e912';
      expect(await counter.countSimilar('seller-1', '2026-11-23', fp)).toBe(1);
      expect(await counter.countSimilar('seller-1', '2026-11-23', fp)).toBe(2);
      expect(await counter.countSimilar('seller-1', '2026-11-23', fp)).toBe(3);
    });

    it('when a fingerprint shares one band with earlier ones, then it is counted with them', async () => {
      const counter = await open();
      await counter.countSimilar('seller-1', '2026-11-23', 'aaaa.bbbb.cccc.dddd');
      await counter.countSimilar('seller-1', '2026-11-23', 'aaaa.0000.1111.2222');
      expect(await counter.countSimilar('seller-1', '2026-11-23', '9999.8888.7777.dddd')).toBe(2);
      expect(await counter.countSimilar('seller-1', '2026-11-23', '3333.4444.5555.6666')).toBe(1);
    });

    it('when a band matches at another position, then it is not counted as similar', async () => {
      const counter = await open();
      await counter.countSimilar('seller-1', '2026-11-23', 'aaaa.bbbb.cccc.dddd');
      expect(await counter.countSimilar('seller-1', '2026-11-23', 'bbbb.aaaa.dddd.cccc')).toBe(1);
    });

    it('when another seller or another day sends the same body, then each counts alone', async () => {
      const counter = await open();
      const fp = '1234.5678.9abc.def0';
      await counter.countSimilar('seller-1', '2026-11-23', fp);
      expect(await counter.countSimilar('seller-2', '2026-11-23', fp)).toBe(1);
      expect(await counter.countSimilar('seller-1', '2026-11-24', fp)).toBe(1);
      expect(await counter.countSimilar('seller-1', '2026-11-23', fp)).toBe(2);
    });

    it('when 40 messages of one seller are counted at once, then no increment is lost', async () => {
      const counter = await open();
      const counts = await Promise.all(Array.from({ length: 40 }, () => counter.countSimilar('busy.seller', '2026-11-23', 'abcd.abcd.abcd.abcd')));
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('when the seller id, day or fingerprint is malformed, then the call fails as a caller bug and stores nothing', async () => {
      const counter = await open();
      for (const [seller, day, fp] of [
        ['{s:x}', '2026-11-23', 'abcd'],
        ['seller-1', '23/11/2026', 'abcd'],
        ['seller-1', '2026-11-23', 'ABCD!'],
      ] as const) {
        const err = await counter.countSimilar(seller, day, fp).catch((e: unknown) => e);
        expect(isParleyError(err, 'internal')).toBe(true);
      }
      expect(await counter.countSimilar('seller-1', '2026-11-23', 'abcd')).toBe(1);
    });
  });
}
