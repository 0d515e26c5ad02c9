import type { Config } from '../config/schema.js';
import { ParleyError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { CapCommitResult, DailyCapRecord, Store } from '../storage/ports.js';
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
  /**
   * How long a unit taken at RCPT stays pending before it frees itself unless committed at 250: longer than
   * the longest SMTP session (see leaseSecondsFor), so only a transaction whose node died loses its unit.
   */
  leaseSeconds: number;
  /** Each day's cap is logged once, when fixed, so the audit trail outlives the stored record; a late commit warns. */
  logger?: Pick<Logger, 'info' | 'warn'>;
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
 * What a lease has beyond the SMTP session timeout: the session deadline waits for a pending reply, so the
 * work after the final dot (scan, sign, durable spool) can overrun it; and every node judges leases by its
 * own clock, so skew between nodes must stay well inside this margin or a fast node frees live units early.
 */
const LEASE_MARGIN_SECONDS = 300;

/**
 * The seller's daily cap: 600 + 5 × average daily orders messages per calendar day. The cap is fixed
 * the first time a day needs it and stored; each message takes one unit atomically in the store, so
 * every relay node sharing the store enforces one exact count. A unit is taken at RCPT as a lease,
 * committed when the relay accepts the seller→buyer message (for delivery or for hold) and given back if
 * the message is refused later. A lease never committed nor released (the node crashed before 250) stops
 * counting after leaseSeconds, so a crash costs the seller a unit for minutes, not for the rest of the day.
 */
export class DailyCap {
  private readonly calendar: CapCalendar;
  /** One computation per seller-day per process, however many messages arrive at once after midnight. */
  private readonly fixing = new Map<string, Promise<DailyCapRecord>>();

  constructor(private readonly deps: DailyCapDeps) {
    if (!Number.isInteger(deps.windowDays) || deps.windowDays < 1) throw new TypeError('windowDays must be a whole number of days, at least 1');
    if (!Number.isInteger(deps.leaseSeconds) || deps.leaseSeconds < 1) throw new TypeError('leaseSeconds must be a whole number of seconds, at least 1');
    this.calendar = new CapCalendar(deps.timeZone);
  }

  static fromConfig(limits: Config['limits'], store: DailyCapDeps['store'], now: () => number = Date.now, logger?: DailyCapDeps['logger']): DailyCap {
    return new DailyCap({
      store,
      windowDays: limits.capWindowDays,
      timeZone: limits.capTimeZone,
      reply: limits.capReply,
      now,
      leaseSeconds: DailyCap.leaseSecondsFor(limits),
      logger,
    });
  }

  /** The lease a unit needs: the longest SMTP session plus a margin (see LEASE_MARGIN_SECONDS). */
  static leaseSecondsFor(limits: Pick<Config['limits'], 'sessionTimeoutSeconds'>): number {
    return limits.sessionTimeoutSeconds + LEASE_MARGIN_SECONDS;
  }

  /**
   * Takes one unit of today's cap for the message as a lease of leaseSeconds, or throws daily_cap_reached
   * (or its temporary form) with the reply text the sender sees. Calling again for the same message takes
   * nothing more (it extends the lease). Follow with commit once the message is accepted, or release.
   */
  /** Takes a unit (a lease until commit) and answers the day's usage, for the utilisation metric. */
  async consume(sellerId: string, messageId: string): Promise<{ used: number; cap: number }> {
    const now = this.deps.now();
    const today = this.calendar.dayAt(now);
    const ttl = this.ttlSeconds(today, now);
    const lease = { now, until: now + this.deps.leaseSeconds * 1000 };
    const caps = this.deps.store.caps;
    let result = await caps.consume(sellerId, today.day, messageId, ttl, lease);
    if (result.outcome === 'no_cap') {
      await this.fixCap(sellerId, today, now);
      result = await caps.consume(sellerId, today.day, messageId, ttl, lease);
    }
    if (result.outcome === 'full') {
      const code = this.deps.reply === 'permanent' ? 'daily_cap_reached' : 'daily_cap_reached_temporary';
      throw new ParleyError(code, `seller ${sellerId} reached the daily cap of ${result.cap}`, {
        smtpText: `Daily message limit reached (${result.used} of ${result.cap}); resets at ${isoInstant(today.endMs)}`,
      });
    }
    // The record was stored a moment ago; if it is gone the store lost data, and the client should retry.
    if (result.outcome === 'no_cap') throw new ParleyError('store_unavailable', `daily cap of seller ${sellerId} vanished while consuming`);
    return { used: result.used, cap: result.cap };
  }

  /**
   * Makes the message's unit permanent: call once the message is durably accepted (spooled or held), before
   * the 250. Safe to call twice. If the lease already ran out (the transaction outlived leaseSeconds) the
   * message is counted all the same, on the day its lease was taken if that day still has it, else today,
   * even past the cap: it was sent, and a count one too high beats a sent message left uncounted.
   */
  async commit(sellerId: string, messageId: string): Promise<void> {
    const now = this.deps.now();
    const today = this.calendar.dayAt(now);
    const caps = this.deps.store.caps;
    let result: CapCommitResult | undefined;
    // A transaction open at midnight took its unit from yesterday; SMTP timeouts keep it from being older.
    for (const day of [today.day, CapCalendar.addDays(today.day, -1)]) {
      const found = await caps.commit(sellerId, day, messageId, { now });
      if (found.outcome === 'committed') return;
      if (found.outcome === 'late') {
        result = found;
        break;
      }
    }
    if (!result) {
      result = await caps.commit(sellerId, today.day, messageId, { now, ifMissing: 'record' });
      if (result.outcome === 'no_cap') {
        await this.fixCap(sellerId, today, now);
        result = await caps.commit(sellerId, today.day, messageId, { now, ifMissing: 'record' });
      }
      if (result.outcome === 'no_cap') throw new ParleyError('store_unavailable', `daily cap of seller ${sellerId} vanished while committing`);
    }
    this.deps.logger?.warn(
      { sellerId, msgId: messageId, used: result.used, leaseSeconds: this.deps.leaseSeconds },
      'daily cap lease ended before commit; message counted anyway',
    );
  }

  /** Gives back the message's unit, pending or committed. Safe to call twice, or for a message that never took one. */
  async release(sellerId: string, messageId: string): Promise<void> {
    const now = this.deps.now();
    const today = this.calendar.dayAt(now).day;
    // A transaction open at midnight took its unit from yesterday; SMTP timeouts keep it from being older.
    for (const day of [today, CapCalendar.addDays(today, -1)]) {
      if ((await this.deps.store.caps.release(sellerId, day, messageId, now)).released) return;
    }
  }

  /** Today's limits. Reading fixes today's cap if nothing has yet, so what is shown is what is enforced. */
  async limits(sellerId: string): Promise<SellerLimits> {
    const now = this.deps.now();
    const today = this.calendar.dayAt(now);
    // Committed units plus leases still running: a message in an open transaction counts until it ends.
    const usage = await this.deps.store.caps.usage(sellerId, today.day, now);
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
