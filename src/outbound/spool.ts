import { renameSync } from 'node:fs';
import { mkdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isParleyError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import { newQueueId, queueIdRe, type QueuedMessage, type ScheduleUpdate, type SpoolMeta } from './queued-message.js';
import { GroupSync, seal, sealedLength, sealPieces, unsealInPlace, writeSynced } from './sealed-file.js';
import { SpoolJournal } from './spool-journal.js';
import { afterMeta, aad, ignoreMissing, lengthPrefix, messagePath, unavailable } from './spool-layout.js';
import { checkEnvelope, decodeRecord, encodeRecord } from './spool-record.js';
import { checkSpoolKey, recoverFiles, recoverJournal } from './spool-recovery.js';

export type { DeliveryFailure, NotifyInfo, QueuedMessage, ScheduleUpdate, SettledOutcome, SpoolMeta } from './queued-message.js';
export { newQueueId } from './queued-message.js';

export interface SpoolOptions {
  now?: () => number;
  /** Messages up to this size (bytes) go to the journal, larger ones to files of their own; 0 turns the journal off. */
  journalMaxBytes?: number;
  /** Size past which the journal starts a new segment file (SEGMENT_BYTES). */
  journalSegmentBytes?: number;
}

/**
 * The durable, encrypted outbound queue of one node: the source of truth for accepted mail.
 *
 * A message up to journalMaxBytes is appended to the journal (spool-journal.ts): many messages accepted at
 * once share one fdatasync. A larger one, and any message whose first attempt did not settle it, is ONE
 * file, `<id>.msg`: its sealed metadata (envelope, initial retry state) followed by its sealed bytes, written
 * to tmp/, fsynced and renamed into place, so a file in place is always a whole message. A journal record
 * holds the same bytes as that file. Retry state changes go to a small `<id>.meta` beside the file that
 * overrides the initial state. Removal unlinks the message first, so a crash can leave an orphan `.meta`
 * (deleted on open) but never a message without state. On open, the in-memory index is rebuilt from the
 * files and from the segments an earlier run left, which go on serving their messages until those leave.
 *
 * Not safe for two processes on one directory: each node owns its spool. Per message, the caller serializes
 * operations (the delivery worker never runs two for one id).
 */
export class Spool {
  private readonly index = new Map<string, QueuedMessage>();
  /** Ids being enqueued: a caller-chosen id must not be written twice concurrently (same temporary names). */
  private readonly writing = new Set<string>();
  /**
   * The bytes of small messages just written, for their first delivery attempt, which follows at once: it
   * then needs no read and no decryption of a file we wrote a moment ago. The file stays the source of truth
   * (a restart, a retry, a large message read it); this only saves work, bounded in bytes.
   */
  private readonly fresh = new Map<string, Buffer>();
  private freshBytes = 0;
  private readonly enqueueListeners: ((id: string) => void)[] = [];
  /** Ids with a `.meta` beside their message (retry state written): removal has no other file to look for. */
  private readonly withState = new Set<string>();
  private readonly tmpDir: string;
  private readonly dirSync: GroupSync;
  /** Always there to serve what an earlier run journalled; journalMax decides whether new mail goes to it. */
  private readonly journal: SpoolJournal;
  /** Moves from the journal to files in progress, so a retry and the stale sweep never write one twice. */
  private readonly moving = new Map<string, Promise<void>>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private readonly key: Buffer,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly journalMax: number,
    segmentBytes?: number,
  ) {
    this.tmpDir = join(dir, 'tmp');
    const lazyError = (err: unknown) => logger.warn({ err }, 'spool: a lazy fsync after removals failed; a crash could deliver them again');
    this.dirSync = new GroupSync(dir, lazyError);
    this.journal = new SpoolJournal(dir, this.dirSync, lazyError, now, segmentBytes);
  }

  /** Opens (creating if needed) the spool and recovers every message on disk, in-flight ones included. */
  static async open(dir: string, key: Buffer, logger: Logger, options: SpoolOptions = {}): Promise<Spool> {
    if (key.length !== 32) throw new TypeError('spool key must be 32 bytes (AES-256-GCM)');
    const spool = new Spool(dir, key, logger, options.now ?? Date.now, options.journalMaxBytes ?? JOURNAL_MAX, options.journalSegmentBytes);
    try {
      // 0700: the files are encrypted, but their names, sizes and times still describe the traffic.
      await mkdir(spool.tmpDir, { recursive: true, mode: 0o700 });
      await spool.recover();
    } catch (err) {
      throw isParleyError(err) ? err : unavailable('cannot open the spool', err);
    }
    spool.sweeper = setInterval(() => void spool.sweepJournal(), STALE_SWEEP_MS);
    spool.sweeper.unref();
    return spool;
  }

  /** Writes what the journal still holds in memory (removal records), stops its timers and closes its files. */
  close(): void {
    clearInterval(this.sweeper);
    this.journal.close();
  }

  /**
   * Resolves only once the message and its metadata are on disk (appended and fdatasynced, or fsynced and
   * renamed into place) and the directory entry holding them is fsynced: the SMTP 250 follows right after, so
   * a crash from then on loses nothing.
   */
  async enqueue(message: Buffer | readonly Buffer[], meta: SpoolMeta): Promise<QueuedMessage> {
    checkEnvelope(meta.from, meta.to);
    const id = meta.id ?? newQueueId();
    if (!queueIdRe.test(id)) throw new TypeError('spool: queue ids are 16 to 26 lowercase base32 characters');
    if (this.index.has(id) || this.writing.has(id)) throw new TypeError(`spool: queue id ${id} is already queued`);
    const now = this.now();
    const parts = Buffer.isBuffer(message) ? [message] : message;
    const draft: QueuedMessage = {
      id,
      from: meta.from,
      to: meta.to,
      createdAt: now,
      bytes: parts.reduce((n, p) => n + p.length, 0),
      attempts: 0,
      nextAttemptAt: now,
      notify: meta.notify,
      context: meta.context,
    };
    // Encoded before touching the disk (a context that cannot be serialised is the caller's bug, not a full
    // disk), and decoded back so the index holds exactly what a restart would read, detached from the caller.
    const record = encodeRecord(draft);
    const msg = decodeRecord(id, record);
    const head = lengthPrefix(seal(this.key, aad(id, 'meta'), record));
    const key = this.key;
    // The message is encrypted as it is written (a generator), a large one a megabyte at a time.
    const file = (function* () {
      yield head;
      yield* sealPieces(key, aad(id, 'msg'), parts);
    })();
    const length = head.length + sealedLength(parts);
    this.writing.add(id);
    try {
      if (draft.bytes! <= this.journalMax) await this.appendToJournal(id, file, length);
      else await this.writeFile(id, file, length);
    } finally {
      this.writing.delete(id);
    }
    this.index.set(id, msg);
    this.keepFresh(id, parts, draft.bytes!);
    for (const listener of this.enqueueListeners) listener(id);
    this.logger.debug({ msgId: id, bytes: draft.bytes }, 'spooled');
    return msg;
  }

  private async appendToJournal(id: string, file: Iterable<Buffer>, length: number): Promise<void> {
    const journal = this.journal;
    try {
      journal.append(id, file, length);
    } catch (err) {
      throw unavailable('cannot write to the spool', err);
    }
    try {
      await journal.durable(id);
    } catch (err) {
      // No 250 will be given: the removal record keeps a later start from delivering it behind the client's back.
      journal.forget(id);
      throw unavailable('cannot write to the spool', err);
    }
  }

  private async writeFile(id: string, file: Iterable<Buffer>, length: number): Promise<void> {
    const tmp = this.tmpPath(id, 'msg');
    try {
      await writeSynced(tmp, file, length);
      // Synchronous: a rename is a metadata update of microseconds, cheaper than a trip to the thread pool.
      renameSync(tmp, this.path(id, 'msg'));
      await this.dirSync.sync();
    } catch (err) {
      // No 250 will be given, so nothing of this message may remain to be delivered behind the client's back.
      await Promise.all([tmp, this.path(id, 'msg')].map((p) => rm(p, { force: true }).catch(() => undefined)));
      throw unavailable('cannot write to the spool', err);
    }
  }

  /** Called with each id once its message is durably queued (the delivery worker starts on it at once). */
  onEnqueue(listener: (id: string) => void): void {
    this.enqueueListeners.push(listener);
  }

  get(id: string): QueuedMessage | undefined {
    return this.index.get(id);
  }

  /** Every queued message (a snapshot; records are immutable). */
  list(): QueuedMessage[] {
    return [...this.index.values()];
  }

  /** Messages whose next attempt is due, earliest first. */
  due(now: number = this.now()): QueuedMessage[] {
    return this.list()
      .filter((m) => m.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt);
  }

  /** The message bytes, or null when the message is gone or its file was corrupt (it is then set aside). */
  async read(id: string): Promise<Buffer | null> {
    if (!this.index.has(id)) return null;
    const fresh = this.takeFresh(id);
    if (fresh) return fresh;
    let sealed: Buffer;
    try {
      sealed = this.journal.has(id) ? this.journal.read(id) : await readFile(this.path(id, 'msg'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unavailable('cannot read from the spool', err);
      await this.quarantine(id, 'message file missing');
      return null;
    }
    try {
      // The file's buffer is ours alone: decrypted where it lies, not copied.
      return unsealInPlace(this.key, aad(id, 'msg'), afterMeta(sealed));
    } catch (err) {
      await this.quarantine(id, (err as Error).message);
      return null;
    }
  }

  /** Durably records the outcome of an attempt (attempts, next time, last error, settled outcome). */
  async reschedule(id: string, update: ScheduleUpdate): Promise<QueuedMessage> {
    const current = this.index.get(id);
    if (!current) throw new Error(`spool: no queued message ${id}`);
    const next: QueuedMessage = Object.freeze({ ...current, ...update });
    // Retry state lives beside a file of its own: a message that waits for a retry must not keep a segment alive.
    await this.moveToFile(id);
    // Before the write: if it half succeeds, removal still looks for the file.
    this.withState.add(id);
    try {
      await writeSynced(this.tmpPath(id, 'meta'), seal(this.key, aad(id, 'meta'), encodeRecord(next)));
      renameSync(this.tmpPath(id, 'meta'), this.path(id, 'meta'));
      await this.dirSync.sync();
    } catch (err) {
      throw unavailable('cannot update the spool', err);
    }
    this.index.set(id, next);
    return next;
  }

  /**
   * Removes a message for good, after delivery or after its failure was reported. The removal is made durable
   * within REMOVAL_SYNC_MS (or by the next enqueue's directory fsync), not before this resolves: a power cut in
   * that window delivers the message again, as Postfix, which never fsyncs a removal, would. Waiting for it put a
   * directory fsync between every delivery and the next message's 250.
   */
  async remove(id: string): Promise<void> {
    this.takeFresh(id);
    if (this.journal.has(id)) {
      this.journal.forget(id);
      this.index.delete(id);
      return;
    }
    try {
      // Not synchronous like the rename in enqueue: freeing a file's blocks waits on the journal, which a busy
      // spool commits hundreds of times a second, and that stalled the event loop for 0.2 ms per message.
      await unlink(this.path(id, 'msg')).catch(ignoreMissing);
      this.index.delete(id);
      // A crash here leaves an orphan state file, which the next open deletes.
      if (this.withState.delete(id)) await unlink(this.path(id, 'meta')).catch(ignoreMissing);
      this.dirSync.later(REMOVAL_SYNC_MS);
    } catch (err) {
      throw unavailable('cannot remove from the spool', err);
    }
  }

  private keepFresh(id: string, parts: readonly Buffer[], bytes: number): void {
    if (bytes > FRESH_MAX_MESSAGE || this.freshBytes + bytes > FRESH_MAX_TOTAL) return;
    this.fresh.set(id, parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes));
    this.freshBytes += bytes;
  }

  private takeFresh(id: string): Buffer | undefined {
    const bytes = this.fresh.get(id);
    if (bytes) {
      this.fresh.delete(id);
      this.freshBytes -= bytes.length;
    }
    return bytes;
  }

  depth(): number {
    return this.index.size;
  }

  /** Age in ms of the oldest queued message, 0 when the queue is empty. */
  oldestAge(now: number = this.now()): number {
    let oldest = now;
    for (const m of this.index.values()) oldest = Math.min(oldest, m.createdAt);
    return now - oldest;
  }

  /** A journalled message gets a file of its own: before its retry state is written, or when its segment is old. */
  private moveToFile(id: string): Promise<void> {
    if (!this.journal.has(id)) return Promise.resolve();
    let move = this.moving.get(id);
    if (!move) {
      move = this.writeOut(id).finally(() => this.moving.delete(id));
      this.moving.set(id, move);
    }
    return move;
  }

  private async writeOut(id: string): Promise<void> {
    const journal = this.journal;
    let payload: Buffer;
    try {
      payload = journal.read(id);
    } catch (err) {
      throw unavailable('cannot read from the spool', err);
    }
    // The same write as a new message's file; on failure the message is still in the journal.
    await this.writeFile(id, [payload], payload.length);
    if (journal.has(id)) journal.forget(id);
    // Removed while it was written out: the file must not bring it back.
    else await unlink(this.path(id, 'msg')).catch(ignoreMissing);
  }

  /**
   * Messages whose first attempt outlasts STALE_AFTER_MS move to files, so their old segment can be deleted.
   * Every STALE_SWEEP_MS; one message at a time, so a deep backlog does not flood the thread pool, and one
   * sweep at a time.
   */
  sweepJournal(): Promise<void> {
    this.sweeping ??= (async () => {
      for (const id of this.journal.stale(STALE_AFTER_MS)) {
        await this.moveToFile(id).catch((err: unknown) =>
          this.logger.warn({ msgId: id, err }, 'spool: could not move a message out of an old journal segment; trying again later'),
        );
      }
    })().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** Sets a damaged message aside for inspection: never delivered, never crashes the worker, never deleted. */
  private async quarantine(id: string, reason: string): Promise<void> {
    this.index.delete(id);
    this.takeFresh(id);
    this.withState.delete(id);
    if (this.journal.has(id)) {
      try {
        await writeSynced(`${this.path(id, 'msg')}.corrupt`, this.journal.read(id));
      } catch (err) {
        this.logger.warn({ msgId: id, err }, 'spool: could not copy a corrupt journal record aside');
      }
      this.journal.forget(id);
    }
    for (const kind of ['meta', 'msg'] as const) {
      await rename(this.path(id, kind), `${this.path(id, kind)}.corrupt`).catch(ignoreMissing);
    }
    this.logger.error({ msgId: id, reason }, 'spool: corrupt message set aside as *.corrupt');
  }

  /** Reads back what an earlier run left: files, then journal segments (see spool-recovery.ts). */
  private async recover(): Promise<void> {
    const ctx = { dir: this.dir, tmpDir: this.tmpDir, key: this.key, logger: this.logger, setAside: (id: string, reason: string) => this.quarantine(id, reason) };
    await checkSpoolKey(ctx);
    const { index, withState } = await recoverFiles(ctx);
    const { files, adopted, damaged } = recoverJournal(ctx, index);
    for (const [id, record] of index) this.index.set(id, record);
    for (const id of withState) this.withState.add(id);
    this.journal.adopt(files, adopted);
    // Copied aside and given a removal record, so the next start does not find it again.
    for (const { id, reason } of damaged) await this.quarantine(id, reason);
    this.logger.info({ depth: this.index.size }, 'spool recovered');
  }

  private path(id: string, kind: 'msg' | 'meta'): string {
    return messagePath(this.dir, id, kind);
  }

  /** Temporary names derive from the id, so a crash leaves at most one stale temporary per message. */
  private tmpPath(id: string, kind: 'msg' | 'meta'): string {
    return join(this.tmpDir, `${id}.${kind}`);
  }
}

/** Journalled, like ordinary mail; larger messages get files (their own fsync is a small share of their cost). */
const JOURNAL_MAX = 256 * 1024;
const STALE_SWEEP_MS = 10_000;
/** First attempts normally settle within seconds; one that takes longer must not hold a segment on disk. */
const STALE_AFTER_MS = 60_000;
const REMOVAL_SYNC_MS = 1000;
/** Messages kept in memory for their first attempt: ordinary mail, not attachments (see `fresh`). */
const FRESH_MAX_MESSAGE = 256 * 1024;
const FRESH_MAX_TOTAL = 16 * 1024 * 1024;

