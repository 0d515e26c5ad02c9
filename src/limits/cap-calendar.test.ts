import { describe, expect, it } from 'vitest';
import { CapCalendar, isoInstant } from './cap-calendar.js';

const utc = (iso: string) => Date.parse(iso);
const hours = (ms: number) => ms / 3_600_000;

describe('CapCalendar', () => {
  it('when the zone is UTC, then the day runs from UTC midnight to the next', () => {
    const day = new CapCalendar('UTC').dayAt(utc('2026-11-23T15:30:00Z'));
    expect(day).toEqual({ day: '2026-11-23', startMs: utc('2026-11-23T00:00:00Z'), endMs: utc('2026-11-24T00:00:00Z') });
  });

  it('when the instant is the last millisecond of a day or the first of the next, then each lands in its own day', () => {
    const cal = new CapCalendar('UTC');
    expect(cal.dayAt(utc('2026-11-23T23:59:59.999Z')).day).toBe('2026-11-23');
    expect(cal.dayAt(utc('2026-11-24T00:00:00Z')).day).toBe('2026-11-24');
    // And back again: the cached day must not leak into an earlier instant.
    expect(cal.dayAt(utc('2026-11-23T23:59:59.999Z')).day).toBe('2026-11-23');
  });

  it('when the zone is ahead of UTC, then its day starts the evening before in UTC', () => {
    const cal = new CapCalendar('Asia/Seoul');
    expect(cal.dayAt(utc('2026-11-23T14:59:59Z'))).toEqual({
      day: '2026-11-23',
      startMs: utc('2026-11-22T15:00:00Z'),
      endMs: utc('2026-11-23T15:00:00Z'),
    });
    expect(cal.dayAt(utc('2026-11-23T15:00:00Z')).day).toBe('2026-11-24');
  });

  it('when the zone is behind UTC with a half-hour offset, then the boundary keeps the half hour', () => {
    const day = new CapCalendar('America/St_Johns').dayAt(utc('2026-11-23T12:00:00Z'));
    expect(isoInstant(day.startMs)).toBe('2026-11-23T03:30:00Z');
  });

  it('when DST begins or ends, then that day is 23 or 25 hours long', () => {
    const cal = new CapCalendar('America/New_York');
    const spring = cal.dayAt(utc('2026-03-08T12:00:00Z'));
    expect(isoInstant(spring.startMs)).toBe('2026-03-08T05:00:00Z');
    expect(hours(spring.endMs - spring.startMs)).toBe(23);
    const autumn = cal.dayAt(utc('2026-11-01T12:00:00Z'));
    expect(isoInstant(autumn.startMs)).toBe('2026-11-01T04:00:00Z');
    expect(hours(autumn.endMs - autumn.startMs)).toBe(25);
  });

  it('when DST skips local midnight, then the day starts at its first existing instant (01:00)', () => {
    const cal = new CapCalendar('America/Santiago');
    const day = cal.dayAt(utc('2026-09-06T12:00:00Z'));
    expect(day.day).toBe('2026-09-06');
    expect(isoInstant(day.startMs)).toBe('2026-09-06T04:00:00Z');
    expect(cal.dateAt(day.startMs - 1)).toBe('2026-09-05');
    expect(hours(day.endMs - day.startMs)).toBe(23);
  });

  it('when days are added or counted, then months, years and leap days roll over', () => {
    expect(CapCalendar.addDays('2026-11-23', -30)).toBe('2026-10-24');
    expect(CapCalendar.addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(CapCalendar.addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(CapCalendar.daysBetween('2026-10-24', '2026-11-23')).toBe(30);
    expect(CapCalendar.daysBetween('2026-11-23', '2026-11-20')).toBe(-3);
  });

  it('when the zone is unknown, then construction fails', () => {
    expect(() => new CapCalendar('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('isoInstant', () => {
  it('when an instant is shown, then it is UTC to the second with a Z', () => {
    expect(isoInstant(utc('2026-11-24T00:00:00Z'))).toBe('2026-11-24T00:00:00Z');
  });
});
