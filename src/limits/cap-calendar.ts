/** A calendar day in the cap's time zone and the instants it starts and ends (end exclusive). */
export interface CapDay {
  /** YYYY-MM-DD */
  day: string;
  startMs: number;
  endMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** UTC offsets span −12 h to +14 h (Pacific/Kiritimati), so a zone's midnight lies within 15 h of UTC's. */
const SEARCH_SPAN_MS = 15 * 60 * MINUTE_MS;

/** Civil-date arithmetic needs no zone: a date maps to its UTC midnight and back. */
function utcMidnight(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function isoDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

/**
 * Calendar days of one IANA time zone, via Intl. A day starts at its first instant with that local date,
 * found by binary search rather than by assuming local midnight exists: some zones skip it when DST
 * begins (America/Santiago's day then starts at 01:00), and days are 23 or 25 hours long around DST.
 */
export class CapCalendar {
  private readonly format: Intl.DateTimeFormat;
  /** The day of the last call: consume() asks for the same day thousands of times in a row. */
  private last: CapDay | undefined;

  constructor(readonly timeZone: string) {
    // Throws RangeError for a zone Intl does not know; config validation reports it earlier.
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** The local date (YYYY-MM-DD) at an instant. */
  dateAt(ms: number): string {
    const parts: Record<string, string> = {};
    for (const { type, value } of this.format.formatToParts(ms)) parts[type] = value;
    return `${parts.year!.padStart(4, '0')}-${parts.month}-${parts.day}`;
  }

  dayAt(ms: number): CapDay {
    const cached = this.last;
    if (cached && cached.startMs <= ms && ms < cached.endMs) return cached;
    const day = this.dateAt(ms);
    const found = { day, startMs: this.startOf(day), endMs: this.startOf(CapCalendar.addDays(day, 1)) };
    this.last = found;
    return found;
  }

  /** The first instant whose local date is `day` or later. Zone transitions fall on whole minutes. */
  startOf(day: string): number {
    const midnight = utcMidnight(day);
    let before = midnight - SEARCH_SPAN_MS;
    let atOrAfter = midnight + SEARCH_SPAN_MS;
    while (atOrAfter - before > MINUTE_MS) {
      const mid = before + Math.floor((atOrAfter - before) / MINUTE_MS / 2) * MINUTE_MS;
      if (this.dateAt(mid) >= day) atOrAfter = mid;
      else before = mid;
    }
    return atOrAfter;
  }

  static addDays(day: string, days: number): string {
    return isoDate(utcMidnight(day) + days * DAY_MS);
  }

  /** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
  static daysBetween(from: string, to: string): number {
    return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
  }
}

/** An instant as the SMTP reply and the API show it: ISO 8601 in UTC, to the second. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
