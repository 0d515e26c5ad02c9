import type { Conversation } from './forward-message.js';
import type { RecipientTarget } from './resolve-recipient.js';

/** What the SMTP edge knows about one mail transaction (MAIL FROM … end of DATA). */
export interface Transaction {
  /** Queue id of the message: in our Received header, in the VERP address and on every log line. */
  id: string;
  clientIp: string;
  helo: string;
  tls: boolean;
  /** '' for the null sender (auto-replies, bounces). */
  envelopeFrom: string;
  /** The first accepted recipient fixes the pair (or the bounce) of the transaction. */
  target?: RecipientTarget;
  /** Both parties of the pair, loaded once at the first recipient and used until the end of DATA. */
  conversation?: Conversation;
  /** Seller whose daily-cap unit this transaction holds; given back unless the message is accepted. */
  capHeldFor?: string;
  /** Set once the message is durably accepted (250): nothing is given back after that. */
  accepted?: boolean;
  /**
   * The message as received, from the end of DATA until the pipeline no longer needs it. Held here rather than
   * passed along: an async function keeps its arguments alive until it returns, and a large message's bytes
   * should be freed before its rebuilt copy is made, not after it is queued.
   */
  message?: Buffer;
}

/** Port to the durable queue: resolves only once the message is on disk. */
export interface MessageQueue {
  /** The message as one buffer or as pieces in order (never joined: a large message is not copied to queue it). */
  enqueue(message: Buffer | readonly Buffer[], meta: QueueMeta): Promise<{ id: string }>;
}

export interface NotifyInfo {
  /** Original sender's real address: where a DSN goes. */
  to: string;
  /** What they wrote to; a DSN names this, never the real recipient. */
  recipientAlias: string;
  subject?: string;
  arrivalDate: number;
}

export interface QueueMeta {
  id?: string;
  from: string;
  to: string;
  /** null: never send a DSN (DSNs, notices and auto-replies must not loop). */
  notify: NotifyInfo | null;
  context: Record<string, unknown>;
}
