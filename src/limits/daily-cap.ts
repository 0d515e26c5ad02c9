import type { Config } from '../config/schema.js';
import { ParleyError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { DailyCapRecord, Store } from '../storage/ports.js';
import { CapCalendar, isoInstant, type CapDay } from './cap-calendar.js';
import { averagingDays, dailyCapFor, orderWindow } from './cap-formula.js';

export type CapReply = 'permanent' | 'temporary';

export interface DailyCapDeps {
  store: Pick<Store, 'orders' | 'caps'>;
  windowDays: number;
  timeZone: string;
  /** permanent: 550 5.4.5, the sender's server gives up. temporary: 452 4.5.3, it retries (maybe after the reset). */
  reply: CapReply;
  now: () => number;
  /** Each day's cap is logged once, when fixed, so the audit trail outlives the stored record. */
  logger?: Pick<Logger, 'info'>;
}

/** What GET /v1/sellers/{id}/limits and `parley limits show` answer. */
export interface SellerLimits {
  windowDays: number;
  averageDailyOrders: number;
  cap: number;
  sentToday: number;
  remaining: number;
  /** ISO instant (UTC) at which the day ends in the cap's time zone. */
  resetsAt: string;
}

/**
 * A day's record and units are kept this long after the day ends: a transaction open at midnight may
 * release its unit afterwards, and yesterday's cap stays readable for anyone asking why mail was refused.
 */
const RETENTION_AFTER_DAY_SECONDS = 2 * 86_400;

/**
 * The seller's daily cap: 600 + 5 × average daily orders messages per calendar day. The cap is fixed
 * the first time a day needs it and stored; each message takes one unit atomically in the store, so
 * every relay node sharing the store enforces one exact count. A unit is taken when the relay accepts
 * a seller→buyer message (for delivery or for hold) and given back if the message is refused later.
 */
export class DailyCap {
  private readonly calendar: CapCalendar;
  /** One computation per seller-day per process, however many messages arrive at once after midnight. */
  private readonly fixing = new Map<string, Promise<DailyCapRecord>>();

  constructor(private readonly deps: DailyCapDeps) {
    if (!Number.isInteger(deps.windowDays) || deps.windowDays < 1) throw new TypeError('windowDays must be a whole number of days, at least 1');
    this.calendar = new CapCalendar(deps.timeZone);
  }

  static fromConfig(limits: Config['limits'], store: DailyCapDeps['store'], now: () => number = Date.now, logger?: DailyCapDeps['logger']): DailyCap {
    return new DailyCap({ store, windowDays: limits.capWindowDays, timeZone: limits.capTimeZone, reply: limits.capReply, now, logger });
  }

  /**
   * Takes one unit of today's cap for the message, or throws daily_cap_reached (or its temporary form)
   * with the reply text the sender sees. Calling again for the same message takes nothing more.
   */
  async consume(sellerId: string, messageId: string): Promise<void> {
    const now = this.deps.now();
    const today = this.calendar.dayAt(now);
    const ttl = this.ttlSeconds(today, now);
    const caps = this.deps.store.caps;
    let result = await caps.consume(sellerId, today.day, messageId, ttl);
    if (result.outcome === 'no_cap') {
      await this.fixCap(sellerId, today, now);
      result = await caps.consume(sellerId, today.day, messageId, ttl);
    }
    if (result.outcome === 'full') {
      const code = this.deps.reply === 'permanent' ? 'daily_cap_reached' : 'daily_cap_reached_temporary';
      throw new ParleyError(code, `seller ${sellerId} reached the daily cap of ${result.cap}`, {
        smtpText: `Daily message limit reached (${result.used} of ${result.cap}); resets at ${isoInstant(today.endMs)}`,
      });
    }
    // The record was stored a moment ago; if it is gone the store lost data, and the client should retry.
    if (result.outcome === 'no_cap') throw new ParleyError('store_unavailable', `daily cap of seller ${sellerId} vanished while consuming`);
  }

  /** Gives back the message's unit. Safe to call twice, or for a message that never took one. */
  async release(sellerId: string, messageId: string): Promise<void> {
    const today = this.calendar.dayAt(this.deps.now()).day;
    // A transaction open at midnight took its unit from yesterday; SMTP timeouts keep it from being older.
    for (const day of [today, CapCalendar.addDays(today, -1)]) {
      if ((await this.deps.store.caps.release(sellerId, day, messageId)).released) return;
    }
  }

  /** Today's limits. Reading fixes today's cap if nothing has yet, so what is shown is what is enforced. */
  async limits(sellerId: string): Promise<SellerLimits> {
    const now = this.deps.now();
    const today = this.calendar.dayAt(now);
    const usage = await this.deps.store.caps.usage(sellerId, today.day);
    const record = usage.record ?? (await this.fixCap(sellerId, today, now));
    return {
      windowDays: record.windowDays,
      averageDailyOrders: record.averageDailyOrders,
      cap: record.cap,
      sentToday: usage.used,
      remaining: Math.max(0, record.cap - usage.used),
      resetsAt: isoInstant(today.endMs),
    };
  }

  private fixCap(sellerId: string, today: CapDay, now: number): Promise<DailyCapRecord> {
    const key = `${sellerId}\n${today.day}`;
    let pending = this.fixing.get(key);
    if (!pending) {
      pending = this.computeAndStore(sellerId, today, now).finally(() => this.fixing.delete(key));
      this.fixing.set(key, pending);
    }
    return pending;
  }

  /** Every node may compute a candidate; the store keeps the first, and that one is what all enforce. */
  private async computeAndStore(sellerId: string, today: CapDay, now: number): Promise<DailyCapRecord> {
    const { windowDays, store } = this.deps;
    const { sinceMs, untilMs } = orderWindow(this.calendar, today, windowDays);
    const [ordersInWindow, firstOrderAt] = await Promise.all([
      store.orders.countSellerOrders(sellerId, sinceMs, untilMs),
      store.orders.firstSellerOrderAt(sellerId),
    ]);
    const days = averagingDays(windowDays, firstOrderAt === null ? null : this.calendar.dateAt(firstOrderAt), today.day);
    const { cap, averageDailyOrders } = dailyCapFor(ordersInWindow, days);
    const candidate: DailyCapRecord = { day: today.day, cap, averageDailyOrders, windowDays, computedAt: now };
    const { record, created } = await store.caps.getOrSetCap(sellerId, candidate, this.ttlSeconds(today, now));
    if (created) this.deps.logger?.info({ sellerId, day: today.day, cap, averageDailyOrders, windowDays, ordersInWindow, averagingDays: days }, 'daily cap fixed');
    return record;
  }

  private ttlSeconds(today: CapDay, now: number): number {
    return Math.ceil((today.endMs - now) / 1000) + RETENTION_AFTER_DAY_SECONDS;
  }
}
