import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import { CapCalendar } from '../../src/limits/cap-calendar.js';
import type { DuplicateCounter } from '../../src/policy/duplicate-counter.js';

/** Days relative to the real clock: Redis expires a day's counters two days after it began. */
const TODAY = new CapCalendar('UTC').dateAt(Date.now());
const TOMORROW = CapCalendar.addDays(TODAY, 1);

export type DuplicateCounterFactory = () => Promise<DuplicateCounter>;

/** The semantics every DuplicateCounter adapter must have; run against Redis and LMDB. */
export function duplicateCounterContract(name: string, open: DuplicateCounterFactory): void {
  describe(`duplicate counter contract: ${name}`, () => {
    it('when the same fingerprint is counted three times, then the counts are 1, 2 and 3', async () => {
      const counter = await open();
      const fp = '1f2e.03ab.77c0.e912';
      expect(await counter.countSimilar('seller-1', TODAY, fp)).toBe(1);
      expect(await counter.countSimilar('seller-1', TODAY, fp)).toBe(2);
      expect(await counter.countSimilar('seller-1', TODAY, fp)).toBe(3);
    });

    it('when a fingerprint shares one band with earlier ones, then it is counted with them', async () => {
      const counter = await open();
      await counter.countSimilar('seller-1', TODAY, 'aaaa.bbbb.cccc.dddd');
      await counter.countSimilar('seller-1', TODAY, 'aaaa.0000.1111.2222');
      expect(await counter.countSimilar('seller-1', TODAY, '9999.8888.7777.dddd')).toBe(2);
      expect(await counter.countSimilar('seller-1', TODAY, '3333.4444.5555.6666')).toBe(1);
    });

    it('when a band matches at another position, then it is not counted as similar', async () => {
      const counter = await open();
      await counter.countSimilar('seller-1', TODAY, 'aaaa.bbbb.cccc.dddd');
      expect(await counter.countSimilar('seller-1', TODAY, 'bbbb.aaaa.dddd.cccc')).toBe(1);
    });

    it('when another seller or another day sends the same body, then each counts alone', async () => {
      const counter = await open();
      const fp = '1234.5678.9abc.def0';
      await counter.countSimilar('seller-1', TODAY, fp);
      expect(await counter.countSimilar('seller-2', TODAY, fp)).toBe(1);
      expect(await counter.countSimilar('seller-1', TOMORROW, fp)).toBe(1);
      expect(await counter.countSimilar('seller-1', TODAY, fp)).toBe(2);
    });

    it('when 40 messages of one seller are counted at once, then no increment is lost', async () => {
      const counter = await open();
      const counts = await Promise.all(Array.from({ length: 40 }, () => counter.countSimilar('busy.seller', TODAY, 'abcd.abcd.abcd.abcd')));
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('when the seller id, day or fingerprint is malformed, then the call fails as a caller bug and stores nothing', async () => {
      const counter = await open();
      for (const [seller, day, fp] of [
        ['{s:x}', TODAY, 'abcd'],
        ['seller-1', TODAY.split('-').reverse().join('/'), 'abcd'],
        ['seller-1', TODAY, 'ABCD!'],
      ] as const) {
        const err = await counter.countSimilar(seller, day, fp).catch((e: unknown) => e);
        expect(isParleyError(err, 'internal')).toBe(true);
      }
      expect(await counter.countSimilar('seller-1', TODAY, 'abcd')).toBe(1);
    });
  });
}
