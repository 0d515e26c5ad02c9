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
  /** Set: message ids holding a unit of that day's cap; its size is the day's usage. */
  capHolders: (sellerId: string, day: string) => `{s:${sellerId}}:cap:${day}:held`,
  threadByRelay: (pairId: string, relayId: string) => `{p:${pairId}}:tr:${relayId}`,
  threadByOriginal: (pairId: string, hash: string) => `{p:${pairId}}:to:${hash}`,
  bounce: (queueId: string) => `bounce:${queueId}`,
};
