/**
 * Every Redis key in one place. Keys touched together by one script share a hash tag
 * ({s:<sellerId>} for seller-scoped keys) so they live in one Redis Cluster slot.
 * Party ids cannot contain braces (see PARTY_ID_PATTERN), so a tag cannot be broken by an id.
 */
export const keys = {
  party: (id: string) => `party:${id}`,
  pair: (pairId: string) => `pair:${pairId}`,
  alias: (local: string) => `alias:${local}`,
  order: (orderId: string) => `order:${orderId}`,
  sellerOrders: (sellerId: string) => `{s:${sellerId}}:orders`,
  /** Hash: the seller's stored cap record for one day (see DailyCapRecord). */
  capRecord: (sellerId: string, day: string) => `{s:${sellerId}}:cap:${day}`,
  /**
   * Sorted set: message ids holding a unit of that day's cap, scored by the instant (ms) their lease ends, +inf
   * once committed; members scored above now are the day's usage. The plain set it
   * replaced was `:held`; the name changed with the type so a leftover set cannot make the scripts fail with WRONGTYPE.
   */
  capHolders: (sellerId: string, day: string) => `{s:${sellerId}}:cap:${day}:leases`,
  threadByRelay: (pairId: string, relayId: string) => `{p:${pairId}}:tr:${relayId}`,
  threadByOriginal: (pairId: string, hash: string) => `{p:${pairId}}:to:${hash}`,
  bounce: (queueId: string) => `bounce:${queueId}`,
  /** String: hits of one rate-limited thing (e.g. "conn:203.0.113.9") in its current window; expires with it. */
  rate: (name: string) => `{rate:${name}}`,
  // Quarantine records and their indexes share one slot ({quarantine}, as a BullMQ queue's keys share its tag),
  // so one script can decide a record and move it between status indexes atomically. Records are small and
  // clear; the heavy sealed blobs get a tag of their own per message and spread over the cluster.
  /** Hash: status, idx (the index member), record (JSON), decision (JSON). */
  quarantineRecord: (id: string) => `{quarantine}:rec:${id}`,
  /** Sorted sets, every score 0, members "<createdAt, 15 digits>:<id>": lexical order is time order, ties by id. */
  quarantineAll: () => '{quarantine}:idx:all',
  quarantineByStatus: (status: string) => `{quarantine}:idx:status:${status}`,
  quarantineBySeller: (sellerId: string) => `{quarantine}:idx:seller:${sellerId}`,
  quarantineContent: (id: string) => `{q:${id}}:content`,
  quarantineRaw: (id: string) => `{q:${id}}:raw`,
  /** Streams: every audit entry, and each message's entries again under its id (same slot, one script). */
  auditLog: () => '{audit}:log',
  auditByQuarantine: (quarantineId: string) => `{audit}:q:${quarantineId}`,
};
