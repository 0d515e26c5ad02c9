import type { DeliveryFailure, NotifyInfo, QueuedMessage, SettledOutcome } from './queued-message.js';
import { queueIdRe } from './queued-message.js';

/**
 * The metadata file's JSON, checked field by field on read: a file that decrypts but does not hold what we
 * wrote (a bug in an older version, a hand edit) is set aside like a corrupt one rather than half-trusted.
 */
const VERSION = 1;

/**
 * Envelope addresses end up inside SMTP commands: CR/LF or angle brackets would let a crafted address inject
 * commands, and a comma or semicolon smuggle a second recipient past the one-recipient rule.
 */
const envelopeAddressRe = /^[^\s<>,;"\\\p{Cc}]{1,64}@[^\s<>,;@"\\\p{Cc}]{1,253}$/u;

export function checkEnvelope(from: string, to: string): void {
  if (!envelopeAddressRe.test(to)) throw new TypeError('spool: the recipient must be exactly one plain address');
  if (from !== '' && !envelopeAddressRe.test(from)) throw new TypeError('spool: the sender must be empty or one plain address');
}

export function encodeRecord(msg: QueuedMessage): Buffer {
  return Buffer.from(JSON.stringify({ v: VERSION, ...msg }), 'utf8');
}

export function decodeRecord(id: string, bytes: Buffer): QueuedMessage {
  const v = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  const fail = (field: string): never => {
    throw new Error(`metadata field ${field} is invalid`);
  };
  if (v.v !== VERSION) fail('v');
  if (v.id !== id || typeof v.id !== 'string' || !queueIdRe.test(v.id)) fail('id');
  if (typeof v.from !== 'string' || typeof v.to !== 'string') fail('from/to');
  for (const field of ['createdAt', 'attempts', 'nextAttemptAt'] as const) {
    if (typeof v[field] !== 'number' || !Number.isFinite(v[field])) fail(field);
  }
  if (v.lastError !== undefined && typeof v.lastError !== 'string') fail('lastError');
  if (v.bytes !== undefined && (typeof v.bytes !== 'number' || !Number.isSafeInteger(v.bytes) || v.bytes < 0)) fail('bytes');
  if (!isRecord(v.context)) fail('context');
  const notify = v.notify === null ? null : isNotify(v.notify) ? v.notify : fail('notify');
  const settled = v.settled === undefined ? undefined : isSettled(v.settled) ? v.settled : fail('settled');
  return Object.freeze({
    id,
    from: v.from as string,
    to: v.to as string,
    createdAt: v.createdAt as number,
    ...(v.bytes !== undefined ? { bytes: v.bytes as number } : {}),
    attempts: v.attempts as number,
    nextAttemptAt: v.nextAttemptAt as number,
    ...(v.lastError !== undefined ? { lastError: v.lastError as string } : {}),
    notify,
    context: v.context as Record<string, unknown>,
    ...(settled ? { settled } : {}),
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNotify(v: unknown): v is NotifyInfo {
  return (
    isRecord(v) &&
    typeof v.to === 'string' &&
    typeof v.recipientAlias === 'string' &&
    typeof v.arrivalDate === 'number' &&
    (v.subject === undefined || typeof v.subject === 'string')
  );
}

function isFailure(v: unknown): v is DeliveryFailure {
  return isRecord(v) && v.permanent === true && typeof v.diagnostic === 'string';
}

function isSettled(v: unknown): v is SettledOutcome {
  if (!isRecord(v)) return false;
  return (v.kind === 'delivered' && typeof v.response === 'string') || (v.kind === 'failed' && isFailure(v.failure));
}
