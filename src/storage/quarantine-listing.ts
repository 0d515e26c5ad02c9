import { ParleyError } from '../domain/errors.js';
import type { QuarantineFilter, QuarantinePage, QuarantineRecord, QuarantineStatus } from '../quarantine/quarantine-record.js';

/**
 * Listing logic both quarantine adapters share: which index a filter walks, what the cursor encodes, and how
 * a page is filled. The adapters only supply "the next index entries after this position".
 */

/** Where a listing stands. Records sort by createdAt, then id, both descending (newest first). */
export interface ListPosition {
  createdAt: number;
  id: string;
}

export interface IndexEntry {
  position: ListPosition;
  /** null for an index entry whose record is gone (purged between the two reads). */
  record: QuarantineRecord | null;
}

/** Index entries strictly after `after` (or from the newest), within the filter's time range, at most `count`. */
export type ReadIndex = (after: ListPosition | undefined, count: number) => Promise<IndexEntry[]>;

export type IndexChoice = { kind: 'seller'; sellerId: string } | { kind: 'status'; status: QuarantineStatus } | { kind: 'all' };

/**
 * Index entries one list call may read. A sparse filter (a rare rule, a seller with few held messages) must not
 * turn one request into a walk over the whole retention period; the caller pages on with the cursor instead.
 */
export const MAX_SCAN = 2_000;
/** Batch size while post-filtering: large enough to need few round trips, small enough to stay cheap. */
const FILTER_BATCH = 100;

/** The narrowest index for the filter; what the index cannot express (rule, status within a seller) is filtered after. */
export function chooseIndex(filter: QuarantineFilter): IndexChoice {
  if (filter.sellerId !== undefined) return { kind: 'seller', sellerId: filter.sellerId };
  if (filter.status !== undefined) return { kind: 'status', status: filter.status };
  return { kind: 'all' };
}

export function matches(record: QuarantineRecord, filter: QuarantineFilter): boolean {
  if (filter.status !== undefined && record.status !== filter.status) return false;
  if (filter.sellerId !== undefined && record.sellerId !== filter.sellerId) return false;
  if (filter.rule !== undefined && !record.rules.includes(filter.rule)) return false;
  if (filter.since !== undefined && record.createdAt < filter.since) return false;
  if (filter.until !== undefined && record.createdAt >= filter.until) return false;
  return true;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.createdAt}:${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  const match = /^(\d{1,15}):([A-Za-z0-9._:-]{1,128})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ParleyError('bad_request', 'cursor is not one this API handed out', { field: 'cursor' });
  return { createdAt: Number(match[1]), id: match[2]! };
}

/** Fills one page from an index, newest first, stopping at `limit` matches or after MAX_SCAN entries. */
export async function collectPage(read: ReadIndex, filter: QuarantineFilter, cursor: string | undefined, limit: number): Promise<QuarantinePage> {
  const postFiltered = filter.rule !== undefined || (filter.sellerId !== undefined && filter.status !== undefined);
  const items: QuarantineRecord[] = [];
  let position = cursor === undefined ? undefined : decodeCursor(cursor);
  let scanned = 0;
  while (scanned < MAX_SCAN) {
    const want = Math.min(MAX_SCAN - scanned, postFiltered ? Math.max(FILTER_BATCH, limit) : limit - items.length);
    const batch = await read(position, want);
    for (const entry of batch) {
      scanned++;
      position = entry.position;
      if (!entry.record || !matches(entry.record, filter)) continue;
      items.push(entry.record);
      if (items.length === limit) return { items, nextCursor: encodeCursor(position) };
    }
    if (batch.length < want) return { items, nextCursor: null };
  }
  return { items, nextCursor: position ? encodeCursor(position) : null };
}
