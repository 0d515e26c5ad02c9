import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { startPurgeSchedule } from './purge-schedule.js';

const HOUR = 3_600_000;

/** A purge that records its calls and lets the test decide when each one ends. */
function controlledPurge() {
  const runs: { resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  const waiters: ((count: number) => void)[] = [];
  return {
    runs,
    purgeExpired: () =>
      new Promise<number>((resolve, reject) => {
        runs.push({ resolve, reject });
        for (const w of waiters.splice(0)) w(runs.length);
      }),
    /** Resolves once the purge has been called n times in all. */
    calls: (n: number) =>
      new Promise<void>((resolve) => {
        const check = (count: number) => (count >= n ? resolve() : waiters.push(check));
        check(runs.length);
      }),
  };
}

describe('purge schedule', () => {
  it('when started, then it purges at once; when stopped mid-run, then stop waits for the run and nothing follows', async () => {
    const purge = controlledPurge();
    const stop = startPurgeSchedule(purge, HOUR, createLogger('silent'));
    await purge.calls(1);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    purge.runs[0]!.resolve(3);
    await stopping;
    expect(purge.runs).toHaveLength(1);
  });

  it('when a run fails, then the failure is logged and the next run still comes', async () => {
    const purge = controlledPurge();
    const lines: string[] = [];
    const logger = createLogger('error', { write: (line: string) => lines.push(line) });
    const stop = startPurgeSchedule(purge, 1, logger);
    await purge.calls(1);
    purge.runs[0]!.reject(new Error('store down'));
    await purge.calls(2);
    expect(lines.some((l) => l.includes('quarantine purge failed') && l.includes('store down'))).toBe(true);
    purge.runs[1]!.resolve(0);
    await stop();
  });
});
