import { CapCalendar, type CapDay } from './cap-calendar.js';

/** Marketplace policy (issue 5): every seller may send this many messages a day, orders or not… */
export const BASE_DAILY_CAP = 600;
/** …plus this many per average daily order, so a busy seller can still answer each buyer a few times. */
export const MESSAGES_PER_DAILY_ORDER = 5;

/**
 * The orders a day's cap is based on: placedAt in [start of (day − windowDays), start of day), i.e. the
 * windowDays whole calendar days before the day, in the cap's time zone. The day itself is left out so
 * the cap does not depend on the hour it was first computed, and anyone recomputing it later (audit)
 * gets the same number unless orders were back-filled.
 */
export function orderWindow(calendar: CapCalendar, today: CapDay, windowDays: number): { sinceMs: number; untilMs: number } {
  return { sinceMs: calendar.startOf(CapCalendar.addDays(today.day, -windowDays)), untilMs: today.startMs };
}

/**
 * Days the window's orders are averaged over: the window, or for a seller whose first order falls
 * inside it, the whole days since that order's day (at least 1), so a new seller is not diluted by days
 * before they existed. `firstOrderDay` null means no orders at all (the count is 0 either way).
 */
export function averagingDays(windowDays: number, firstOrderDay: string | null, today: string): number {
  if (firstOrderDay === null) return windowDays;
  return Math.min(windowDays, Math.max(1, CapCalendar.daysBetween(firstOrderDay, today)));
}

/** cap = 600 + floor(5 × averageDailyOrders); the average is kept unrounded so the record shows what the cap used. */
export function dailyCapFor(ordersInWindow: number, days: number): { cap: number; averageDailyOrders: number } {
  return {
    cap: BASE_DAILY_CAP + Math.floor((MESSAGES_PER_DAILY_ORDER * ordersInWindow) / days),
    averageDailyOrders: ordersInWindow / days,
  };
}
