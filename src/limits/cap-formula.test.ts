import { describe, expect, it } from 'vitest';
import { CapCalendar } from './cap-calendar.js';
import { averagingDays, dailyCapFor, orderWindow } from './cap-formula.js';

describe('dailyCapFor', () => {
  it('when a seller has no orders, then the cap is 600', () => {
    expect(dailyCapFor(0, 30)).toEqual({ cap: 600, averageDailyOrders: 0 });
  });

  it('when a seller has 30 orders in 30 days, then the average is 1 and the cap 605', () => {
    expect(dailyCapFor(30, 30)).toEqual({ cap: 605, averageDailyOrders: 1 });
  });

  it('when 5 × the average is fractional, then the cap rounds down', () => {
    expect(dailyCapFor(31, 30).cap).toBe(605);
    expect(dailyCapFor(35, 30).cap).toBe(605);
    expect(dailyCapFor(36, 30).cap).toBe(606);
    expect(dailyCapFor(1, 30)).toEqual({ cap: 600, averageDailyOrders: 1 / 30 });
  });

  it('when a seller averages 2 orders a day, then the cap is 610, the example of the issue', () => {
    expect(dailyCapFor(60, 30).cap).toBe(610);
  });
});

describe('averagingDays', () => {
  it('when the first order is older than the window, then the whole window is used', () => {
    expect(averagingDays(30, '2026-01-01', '2026-11-23')).toBe(30);
  });

  it('when the seller is younger than the window, then the days since the first order are used', () => {
    expect(averagingDays(30, '2026-11-13', '2026-11-23')).toBe(10);
  });

  it('when the first order was yesterday, today or (clock skew) later, then at least 1 day is used', () => {
    expect(averagingDays(30, '2026-11-22', '2026-11-23')).toBe(1);
    expect(averagingDays(30, '2026-11-23', '2026-11-23')).toBe(1);
    expect(averagingDays(30, '2026-11-25', '2026-11-23')).toBe(1);
  });

  it('when there are no orders, then the window is used (the count is 0 anyway)', () => {
    expect(averagingDays(30, null, '2026-11-23')).toBe(30);
  });
});

describe('orderWindow', () => {
  it('when the zone is UTC, then the window is the 30 whole days before today, today excluded', () => {
    const cal = new CapCalendar('UTC');
    const today = cal.dayAt(Date.parse('2026-11-23T09:00:00Z'));
    expect(orderWindow(cal, today, 30)).toEqual({ sinceMs: Date.parse('2026-10-24T00:00:00Z'), untilMs: Date.parse('2026-11-23T00:00:00Z') });
  });

  it('when the window spans a DST change, then it still starts at a local midnight', () => {
    const cal = new CapCalendar('Europe/Berlin');
    const today = cal.dayAt(Date.parse('2026-11-23T09:00:00Z'));
    // Berlin was on summer time (UTC+2) on 24 October and on winter time (UTC+1) on 23 November.
    expect(orderWindow(cal, today, 30)).toEqual({ sinceMs: Date.parse('2026-10-23T22:00:00Z'), untilMs: Date.parse('2026-11-22T23:00:00Z') });
  });
});
