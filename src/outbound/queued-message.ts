import { randomPooled } from '../crypto/random-pool.js';
import { base32 } from '../domain/alias.js';

/** Who gets a DSN if delivery fails. Absent (null) for DSNs, notices and auto-replies: that is what stops bounce loops. */
export interface NotifyInfo {
  /** The original sender's real address. */
  to: string;
  /** What the sender wrote to; reported as Final-Recipient instead of the real recipient. */
  recipientAlias: string;
  subject?: string;
  /** When we accepted the original message (ms since epoch). */
  arrivalDate: number;
}

/** Why a message left the queue without being delivered. */
export interface DeliveryFailure {
  permanent: true;
  code?: number;
  enhanced?: string;
  /** The remote reply or local reason, unscrubbed: it may name the real recipient and host. */
  diagnostic: string;
  /** Set when the message outlived outbound.maxQueueAge on temporary failures. */
  expired?: boolean;
  /** The server that gave the diagnostic, for scrubbing it out of the DSN. */
  remoteHost?: string;
}

/**
 * An outcome already reached whose callback (onFailed) failed: kept so the retry runs only the callback again
 * instead of bouncing a second time. 'delivered' is written no more (delivery has no callback now) but may be
 * read from a spool an earlier version wrote.
 */
export type SettledOutcome = { kind: 'delivered'; response: string } | { kind: 'failed'; failure: DeliveryFailure };

export interface QueuedMessage {
  /** Random, lowercase base32: it appears in VERP addresses and logs. */
  readonly id: string;
  /** Envelope sender; '' is the null sender. */
  readonly from: string;
  /** Exactly one recipient per queued message, so each has its own retry state and outcome. */
  readonly to: string;
  readonly createdAt: number;
  /** Size of the message in bytes; absent in files written before it was recorded. */
  readonly bytes?: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError?: string;
  readonly notify: NotifyInfo | null;
  /** Opaque data of the caller (pair id, direction, aliases…), handed back in callbacks. */
  readonly context: Readonly<Record<string, unknown>>;
  readonly settled?: SettledOutcome;
}

/** What the caller provides on enqueue; the spool fills in the rest. */
export interface SpoolMeta {
  from: string;
  to: string;
  notify: NotifyInfo | null;
  context: Record<string, unknown>;
  /** Given when the caller needs the id before enqueueing (to sign the VERP sender with it). */
  id?: string;
}

/** Fields a delivery attempt changes. */
export interface ScheduleUpdate {
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  settled?: SettledOutcome;
}

/** 15 random bytes: 120 bits, 24 base32 characters; short enough for a VERP local part, too many to guess. */
const ID_BYTES = 15;
export const queueIdRe = /^[a-z2-7]{16,26}$/;

export function newQueueId(): string {
  return base32(randomPooled(ID_BYTES));
}

/** The delivery destination the per-destination limit counts: the recipient's domain. */
export function destinationOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
