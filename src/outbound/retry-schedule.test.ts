import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { isExpired, nextAttemptAt, retryScheduleFrom } from './retry-schedule.js';

describe('retry schedule', () => {
  const t0 = Date.UTC(2025, 0, 1);
  const schedule = retryScheduleFrom({ retrySchedule: [60, 300, 900, 3600], maxQueueAge: 5 * 86_400 });

  it('when the defaults are loaded, then the schedule is 1 m, 5 m, 15 m, 1 h and messages expire after 5 days', () => {
    const config = loadConfig({ env: {} });
    expect(retryScheduleFrom(config.outbound)).toEqual({ steps: [60, 300, 900, 3600], maxQueueAge: 432_000 });
  });

  it('when PARLEY_RETRY_SCHEDULE and PARLEY_MAX_QUEUE_AGE are set, then they replace the defaults', () => {
    const config = loadConfig({ env: { PARLEY_RETRY_SCHEDULE: '1, 2,5', PARLEY_MAX_QUEUE_AGE: '30' } });
    expect(retryScheduleFrom(config.outbound)).toEqual({ steps: [1, 2, 5], maxQueueAge: 30 });
  });

  it('when attempts fail one after another, then each waits the next step and the last step repeats', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempts) => (nextAttemptAt(schedule, attempts, t0, t0) - t0) / 1000);
    expect(delays).toEqual([60, 300, 900, 3600, 3600, 3600]);
  });

  it('when the next step would pass the maximum age, then the last attempt is scheduled at the deadline', () => {
    const now = t0 + 5 * 86_400_000 - 120_000;
    expect(nextAttemptAt(schedule, 10, t0, now)).toBe(t0 + 5 * 86_400_000);
    expect(nextAttemptAt(schedule, 10, t0, t0 + 6 * 86_400_000)).toBe(t0 + 6 * 86_400_000);
  });

  it('when a message has waited the maximum age, then it is expired; a moment before, it is not', () => {
    expect(isExpired(schedule, t0, t0 + 432_000_000 - 1)).toBe(false);
    expect(isExpired(schedule, t0, t0 + 432_000_000)).toBe(true);
  });
});
