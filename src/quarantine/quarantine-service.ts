import { isParleyError, ParleyError } from '../domain/errors.js';
import { partyIdRe } from '../domain/party.js';
import type { Logger } from '../observability/logger.js';
import { queueIdRe } from '../outbound/queued-message.js';
import type { AuditLog, QuarantineStore } from '../storage/ports.js';
import type { Actor, AuditRecord } from './audit-entry.js';
import type {
  QuarantineContent,
  QuarantinedMessage,
  QuarantineDecision,
  QuarantineFilter,
  QuarantineInput,
  QuarantinePage,
  QuarantineRecord,
  QuarantineView,
} from './quarantine-record.js';
import type { QuarantineSealer } from './quarantine-sealer.js';

/** Re-runs rewrite, signing and delivery for a released message; resolves once it is durably queued. */
export type DeliverReleased = (message: QuarantinedMessage, raw: Buffer, opts: { mask: boolean }) => Promise<void>;
/** Tells the sender that a reviewer rejected their message, and why; resolves once the notice is durably queued. */
export type NotifySender = (message: QuarantinedMessage, reason: string) => Promise<void>;

export interface QuarantineServiceDeps {
  quarantine: QuarantineStore;
  audit: AuditLog;
  sealer: QuarantineSealer;
  deliver: DeliverReleased;
  notifySender: NotifySender;
  retentionDays: number;
  logger: Logger;
  now?: () => number;
}

const DAY_MS = 86_400_000;
/** Blobs outlive their record by a day, so the hourly purge (not the store's expiry) is what normally deletes them. */
const BLOB_GRACE_MS = DAY_MS;
/** Records per purge transaction: small enough that a purge never holds the store up for long. */
const PURGE_BATCH = 500;
export const DEFAULT_PAGE = 50;
/** A record is a few hundred bytes of JSON: 200 keeps a page well under 100 KB and one store round trip short. */
export const MAX_PAGE = 200;
/** The reason reaches the sender in a notice: a few sentences, not a document. */
export const MAX_REASON = 1_000;

/** Parley itself, when policy holds or rejects at SMTP time and when retention purges. */
const POLICY: Actor = { role: 'system', name: 'policy' };
const RETENTION: Actor = { role: 'system', name: 'retention' };

/**
 * Hold, review, release, reject, purge. Every view and decision is written to the audit log before anything
 * is shown or done, so nothing happens unaudited; a decision whose effect (delivery, notice) fails is set back
 * to held, so a reviewer can simply try again.
 */
export class QuarantineService {
  private readonly now: () => number;

  constructor(private readonly deps: QuarantineServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Stores a message policy stopped (held, or rejected at SMTP time); repeating it for one id stores nothing more. */
  async hold(input: QuarantineInput): Promise<QuarantineRecord> {
    // The id and seller id end up in store keys and URLs: a malformed one is a pipeline bug, not mail to keep.
    if (!queueIdRe.test(input.id)) throw new ParleyError('internal', `quarantine id ${input.id} is not a queue id`);
    if (!partyIdRe.test(input.sellerId)) throw new ParleyError('internal', `quarantine ${input.id} has a malformed seller id`);
    const record: QuarantineRecord = {
      id: input.id,
      status: input.status,
      pairId: input.pairId,
      direction: input.direction,
      sellerId: input.sellerId,
      senderId: input.senderId,
      recipientId: input.recipientId,
      rules: [...new Set(input.rules)],
      findingCount: input.findings.length,
      attachmentCount: input.attachments.length,
      rawSize: input.raw.length,
      createdAt: Math.trunc(input.createdAt),
    };
    const content: QuarantineContent = {
      findings: input.findings,
      subject: input.subject,
      renderedText: input.renderedText,
      attachments: input.attachments,
      envelopeFrom: input.envelopeFrom,
    };
    const { sealer } = this.deps;
    const blobs = { content: sealer.seal('content', record.id, Buffer.from(JSON.stringify(content), 'utf8')), raw: sealer.seal('raw', record.id, input.raw) };
    const { created } = await this.deps.quarantine.put(record, blobs, this.now() + this.retentionMs + BLOB_GRACE_MS);
    if (!created) return (await this.deps.quarantine.get(record.id)) ?? record;
    await this.audit({ action: record.status === 'held' ? 'hold' : 'policy_reject', actor: POLICY, quarantineId: record.id, detail: { rules: record.rules } });
    this.deps.logger.info({ msgId: record.id, status: record.status, rules: record.rules, sellerId: record.sellerId }, 'message quarantined');
    return record;
  }

  async list(filter: QuarantineFilter, cursor?: string, limit: number = DEFAULT_PAGE): Promise<QuarantinePage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new ParleyError('bad_request', `limit must be 1 to ${MAX_PAGE}`, { field: 'limit' });
    }
    return this.deps.quarantine.list(filter, { cursor, limit });
  }

  /** Metadata, findings in context, rendered text and attachment list; not the envelope sender (admins read raw). */
  async view(id: string, actor: Actor): Promise<QuarantineView> {
    const { envelopeFrom: _hidden, ...view } = await this.open(id);
    await this.audit({ action: 'view', actor, quarantineId: id });
    return view;
  }

  /** The original as received. Admin only: it shows the sender's real address and everything policy found. */
  async raw(id: string, actor: Actor): Promise<Buffer> {
    if (actor.role !== 'admin') throw new ParleyError('forbidden', 'only admin reads original messages');
    await this.require(id);
    const raw = await this.openRaw(id);
    await this.audit({ action: 'view_raw', actor, quarantineId: id });
    return raw;
  }

  async release(id: string, actor: Actor, options: { mask?: boolean } = {}): Promise<QuarantineRecord> {
    const mask = options.mask ?? false;
    const message = await this.open(id);
    // Checked before reading a raw of up to the message size limit; the compare-and-set below is what decides.
    if (message.status !== 'held') throw alreadyDecided(message);
    const raw = await this.openRaw(id);
    const decided = await this.decide(id, { status: 'released', by: actor, at: this.now(), mask });
    await this.carryOut(decided, actor, { action: 'release', detail: { mask } }, () => this.deps.deliver({ ...message, ...decided }, raw, { mask }));
    this.deps.logger.info({ msgId: id, actor: actor.role, mask }, 'quarantined message released');
    return decided;
  }

  async reject(id: string, actor: Actor, reason: string): Promise<QuarantineRecord> {
    const why = reason.trim();
    if (!why || why.length > MAX_REASON) throw new ParleyError('bad_request', `reason must be 1 to ${MAX_REASON} characters`, { field: 'reason' });
    const message = await this.open(id);
    const decided = await this.decide(id, { status: 'rejected', by: actor, at: this.now(), reason: why });
    await this.carryOut(decided, actor, { action: 'reject', reason: why }, () => this.deps.notifySender({ ...message, ...decided }, why));
    this.deps.logger.info({ msgId: id, actor: actor.role }, 'quarantined message rejected');
    return decided;
  }

  /** Deletes every message older than the retention, whatever its status; logs and audits how many went. */
  async purgeExpired(now: number = this.now()): Promise<number> {
    const before = now - this.retentionMs;
    let purged = 0;
    for (;;) {
      const n = await this.deps.quarantine.purge(before, PURGE_BATCH);
      purged += n;
      if (n < PURGE_BATCH) break;
    }
    const cutoff = new Date(before).toISOString();
    this.deps.logger.info({ purged, before: cutoff, retentionDays: this.deps.retentionDays }, 'quarantine purge');
    // Runs with nothing to purge are in the log only, so the audit trail is not an hourly heartbeat.
    if (purged > 0) await this.audit({ action: 'purge', actor: RETENTION, detail: { count: purged, before: cutoff, retentionDays: this.deps.retentionDays } });
    return purged;
  }

  private get retentionMs(): number {
    return this.deps.retentionDays * DAY_MS;
  }

  private async require(id: string): Promise<QuarantineRecord> {
    const record = await this.deps.quarantine.get(id);
    if (!record) throw new ParleyError('quarantine_not_found', `no quarantined message ${id}`);
    return record;
  }

  private async open(id: string): Promise<QuarantinedMessage> {
    const record = await this.require(id);
    const sealed = await this.deps.quarantine.getContent(id);
    if (!sealed) throw new ParleyError('quarantine_not_found', `quarantined message ${id} has been purged`);
    const content = JSON.parse(this.deps.sealer.open('content', id, sealed).toString('utf8')) as QuarantineContent;
    return { ...record, ...content };
  }

  private async openRaw(id: string): Promise<Buffer> {
    const sealed = await this.deps.quarantine.getRaw(id);
    if (!sealed) throw new ParleyError('quarantine_not_found', `quarantined message ${id} has been purged`);
    return this.deps.sealer.open('raw', id, sealed);
  }

  private async decide(id: string, decision: QuarantineDecision): Promise<QuarantineRecord> {
    const result = await this.deps.quarantine.decide(id, 'held', decision);
    if (result.outcome === 'missing') throw new ParleyError('quarantine_not_found', `no quarantined message ${id}`);
    if (result.outcome === 'conflict') throw alreadyDecided(result.record);
    return result.record;
  }

  /** Audit, then the effect; if either fails the record goes back to held and the error reaches the caller. */
  private async carryOut(decided: QuarantineRecord, actor: Actor, entry: Pick<AuditRecord, 'action' | 'reason' | 'detail'>, effect: () => Promise<void>): Promise<void> {
    try {
      await this.audit({ ...entry, actor, quarantineId: decided.id });
      await effect();
    } catch (err) {
      await this.reopen(decided, actor, entry.action, err);
      throw err;
    }
  }

  private async reopen(decided: QuarantineRecord, actor: Actor, action: string, cause: unknown): Promise<void> {
    // The code only: a fault's message may quote a remote server's reply, which can name a real address.
    const why = `${action} failed: ${isParleyError(cause) ? cause.code : 'internal'}`;
    const log = this.deps.logger.child({ msgId: decided.id });
    try {
      const back = await this.deps.quarantine.decide(decided.id, decided.status, { status: 'held', by: actor, at: this.now(), reason: why });
      if (back.outcome !== 'decided') {
        log.error({ status: back.outcome === 'conflict' ? back.record.status : 'missing' }, `${action} failed and the message changed meanwhile; left as it is`);
        return;
      }
      await this.audit({ action: 'hold', actor, quarantineId: decided.id, reason: why, detail: { revertedFrom: decided.status } });
      log.warn({ reason: why }, 'quarantined message set back to held');
    } catch (err) {
      // Store down as well: the record stays decided without its effect, and only an operator can tell.
      log.error({ err: (err as Error).message, status: decided.status }, `${action} failed and the message could not be set back to held`);
    }
  }

  private audit(entry: Omit<AuditRecord, 'at'>): Promise<void> {
    return this.deps.audit.append({ at: this.now(), ...entry });
  }
}

function alreadyDecided(record: QuarantineRecord): ParleyError {
  return new ParleyError('already_decided', `quarantined message ${record.id} is already ${record.status}`);
}
