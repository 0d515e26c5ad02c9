import type { Direction, Finding } from '../policy/types.js';
import type { Actor } from './audit-entry.js';

/**
 * A message the content policy stopped. `held` waits for a reviewer; `released` was delivered on a reviewer's
 * word; `rejected` was refused, either by policy at SMTP time (kept for audit) or by a reviewer.
 */
export type QuarantineStatus = 'held' | 'released' | 'rejected';
export const QUARANTINE_STATUSES = ['held', 'released', 'rejected'] as const satisfies readonly QuarantineStatus[];

/** A finding with the text around it, so a reviewer sees the match in its sentence (computed by the pipeline). */
export type ReviewFinding = Finding & { context: { before: string; match: string; after: string } };

export interface QuarantineAttachment {
  filename?: string;
  contentType: string;
  size: number;
}

/** What the pipeline hands over when policy holds or rejects a message. */
export interface QuarantineInput {
  /** The transaction's queue id. */
  id: string;
  status: 'held' | 'rejected';
  pairId: string;
  direction: Direction;
  sellerId: string;
  senderId: string;
  recipientId: string;
  rules: string[];
  findings: ReviewFinding[];
  /** The original message as received. */
  raw: Buffer;
  envelopeFrom: string;
  subject: string;
  renderedText: string;
  attachments: QuarantineAttachment[];
  createdAt: number;
}

/** The last status change after creation: who made it, when, and why. */
export interface QuarantineDecision {
  /** The status this decision set. */
  status: QuarantineStatus;
  by: Actor;
  at: number;
  reason?: string;
  /** Releases only: whether findings were masked on delivery. */
  mask?: boolean;
}

/**
 * The stored record: only what listing and filtering need, and nothing that may hold an address or content,
 * so it is kept in clear. Everything else is in the sealed content and raw blobs.
 */
export interface QuarantineRecord {
  id: string;
  status: QuarantineStatus;
  pairId: string;
  direction: Direction;
  sellerId: string;
  senderId: string;
  recipientId: string;
  rules: string[];
  findingCount: number;
  attachmentCount: number;
  rawSize: number;
  createdAt: number;
  decision?: QuarantineDecision;
}

/** The sealed part: what the message says and who really sent it. */
export interface QuarantineContent {
  findings: ReviewFinding[];
  subject: string;
  renderedText: string;
  attachments: QuarantineAttachment[];
  envelopeFrom: string;
}

/** Record and content opened together: what a release or a reject hands to the relay. */
export type QuarantinedMessage = QuarantineRecord & QuarantineContent;

/** What a reviewer sees; the envelope sender (a real address) is left out: raw is the admin's. */
export type QuarantineView = QuarantineRecord & Omit<QuarantineContent, 'envelopeFrom'>;

/** Listing filters; since <= createdAt < until (half-open, like the order counts). */
export interface QuarantineFilter {
  status?: QuarantineStatus;
  rule?: string;
  sellerId?: string;
  since?: number;
  until?: number;
}

export interface QuarantinePage {
  items: QuarantineRecord[];
  /** Hand back to continue after the last item; null when nothing older matches. */
  nextCursor: string | null;
}
