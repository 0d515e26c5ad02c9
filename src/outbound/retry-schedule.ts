import type { Config } from '../config/schema.js';

/** When to try again after a temporary failure, and when to give up. Durations in seconds, as configured. */
export interface RetrySchedule {
  /** Delays between attempts; the last one repeats. */
  readonly steps: readonly number[];
  /** How long a message may stay queued before it bounces. */
  readonly maxQueueAge: number;
}

/** outbound.retrySchedule (PARLEY_RETRY_SCHEDULE) and outbound.maxQueueAge (PARLEY_MAX_QUEUE_AGE). */
export function retryScheduleFrom(outbound: Pick<Config['outbound'], 'retrySchedule' | 'maxQueueAge'>): RetrySchedule {
  if (outbound.retrySchedule.length === 0) throw new TypeError('retry schedule needs at least one step');
  return Object.freeze({ steps: Object.freeze([...outbound.retrySchedule]), maxQueueAge: outbound.maxQueueAge });
}

/**
 * When to try next, in ms since epoch, after `attempts` attempts have failed (1 after the first failure).
 * Never later than the message's expiry, so the last try happens at the deadline instead of up to a whole
 * step after it, and the sender hears about the failure on time.
 */
export function nextAttemptAt(schedule: RetrySchedule, attempts: number, createdAt: number, now: number): number {
  const step = schedule.steps[Math.min(Math.max(attempts, 1), schedule.steps.length) - 1]!;
  return Math.max(now, Math.min(now + step * 1000, expiresAt(schedule, createdAt)));
}

export function expiresAt(schedule: RetrySchedule, createdAt: number): number {
  return createdAt + schedule.maxQueueAge * 1000;
}

/** True once the message has waited maxQueueAge: the next temporary failure becomes final. */
export function isExpired(schedule: RetrySchedule, createdAt: number, now: number): boolean {
  return now >= expiresAt(schedule, createdAt);
}
