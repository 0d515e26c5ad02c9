import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomPooled } from '../crypto/random-pool.js';
import { closeSync, fsync, openSync, renameSync, writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Sealed spool files: AES-256-GCM with a random IV per file. Spooled messages carry real addresses (To header,
 * envelope), and this project keeps real addresses encrypted at rest.
 *
 * Layout: MAGIC (4) | IV (12) | ciphertext | tag (16). The associated data binds a file to its kind and queue id,
 * so a file copied or renamed onto another message fails authentication instead of being delivered as that one.
 */
const MAGIC = Buffer.from('PSP1', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedFileError extends Error {
  override readonly name = 'SealedFileError';
}

export function seal(key: Buffer, aad: string, plain: Buffer): Buffer {
  return Buffer.concat([...sealPieces(key, aad, [plain])]);
}

/**
 * Cipher input per update() call. Each call returns a new buffer as long as its input, and a buffer of 128 KB or
 * more is fresh memory from the system (MALLOC_MMAP_THRESHOLD_, see the README), whose first touch page-faults:
 * on our virtual machines one 10 MB update() took 30–70 ms, the same bytes in 64 KB pieces 3 ms.
 */
const CIPHER_PIECE = 64 * 1024;

/** The sealed file's pieces in order, each encrypted only when it is taken: see writeSynced. */
export function* sealPieces(key: Buffer, aad: string, plain: readonly Buffer[]): Generator<Buffer> {
  const iv = randomPooled(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  yield MAGIC;
  yield iv;
  for (const part of plain) {
    for (let at = 0; at < part.length; at += CIPHER_PIECE) yield cipher.update(part.subarray(at, at + CIPHER_PIECE));
  }
  const last = cipher.final();
  if (last.length) yield last;
  yield cipher.getAuthTag();
}

/** The size of the file sealPieces() makes of `plain` (GCM adds no padding). */
export function sealedLength(plain: readonly Buffer[]): number {
  return plain.reduce((n, p) => n + p.length, MAGIC.length + IV_BYTES + TAG_BYTES);
}

/** Throws SealedFileError on a truncated, tampered or foreign file. `sealed` is left as it is. */
export function unseal(key: Buffer, aad: string, sealed: Buffer): Buffer {
  return unsealInPlace(key, aad, Buffer.from(sealed));
}

/**
 * unseal() that writes the plain text over the cipher text it came from, in `sealed` itself: memory already
 * touched, not a second copy of a large message (see CIPHER_PIECE). Only for a buffer nobody else holds, such
 * as one just read from a file: `sealed` is consumed, garbled if authentication fails.
 */
export function unsealInPlace(key: Buffer, aad: string, sealed: Buffer): Buffer {
  if (sealed.length < MAGIC.length + IV_BYTES + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SealedFileError('not a sealed spool file or truncated');
  }
  const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const start = MAGIC.length + IV_BYTES;
  const end = sealed.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    let to = start;
    for (let at = start; at < end; at += CIPHER_PIECE) {
      const next = Math.min(at + CIPHER_PIECE, end);
      to += decipher.update(sealed.subarray(at, next)).copy(sealed, to);
      // GCM returns as many bytes as it is given; were it ever to return more, they would overwrite unread input.
      if (to > next) throw new Error('decipher returned more than it read');
    }
    to += decipher.final().copy(sealed, to);
    return sealed.subarray(start, to);
  } catch (err) {
    throw new SealedFileError('authentication failed (tampered, truncated or wrong key)', { cause: err });
  }
}

/**
 * Up to this size a spool file is opened, written and closed with synchronous calls, and only the fsync goes
 * to the thread pool. Each trip there wakes a pool thread and then the event loop, and on the virtual
 * machines we run on those wakeups cost more CPU than the small writes themselves: writing, fsyncing, renaming
 * and unlinking a 2 KB file took 455–500 µs of CPU as one trip per call and 218–279 µs with only the fsync in
 * the pool. A small write into the page cache blocks the loop for microseconds; a large one would block it
 * for milliseconds, so large files keep the asynchronous calls.
 */
const IN_PLACE_MAX = 256 * 1024;

const fsyncFd = promisify(fsync);

/**
 * Writes and fsyncs a temporary file. Mode 0600: the content is encrypted, but nobody else has any business
 * reading the queue. Opened with 'w' rather than 'wx' so a stale temporary left by a crash is simply replaced.
 *
 * Pieces may be an iterable that makes them as it goes (sealPieces); `length`, their total, then picks the
 * write path without taking them. A large file takes them about a megabyte at a time, so its encrypted copy
 * never exists whole: the few pieces alive at once reuse the memory the last batch freed (no fresh pages to
 * fault in), and the heap does not grow by the message's size and stay grown when the pieces are freed.
 */
export async function writeSynced(path: string, bytes: Buffer | Iterable<Buffer>, length?: number): Promise<void> {
  if (Buffer.isBuffer(bytes)) return writeSynced(path, [bytes], bytes.length);
  // Without a length, taken once here to count them (a generator cannot be taken twice).
  const pieces = length === undefined ? [...bytes] : bytes;
  const total = length ?? (pieces as Buffer[]).reduce((n, p) => n + p.length, 0);
  if (total > IN_PLACE_MAX) return writeSyncedLarge(path, pieces);
  const fd = openSync(path, 'w', 0o600);
  try {
    writevAllSync(fd, [...pieces]);
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** What one writev of a large file takes (one trip to the thread pool per batch, not per piece). */
const WRITE_BATCH = 1024 * 1024;

async function writeSyncedLarge(path: string, pieces: Iterable<Buffer>): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    let batch: Buffer[] = [];
    let size = 0;
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      batch.push(piece);
      size += piece.length;
      if (size >= WRITE_BATCH) {
        await writeAll(handle, batch);
        batch = [];
        size = 0;
      }
    }
    await writeAll(handle, batch);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** One writev for all the pieces (one trip to the thread pool, not one per piece). */
async function writeAll(handle: FileHandle, parts: Buffer[]): Promise<void> {
  for (let pending = parts; pending.length > 0; ) pending = advance(pending, (await handle.writev(pending)).bytesWritten);
}

/** Writes every piece at the descriptor's position with synchronous writevs; returns the bytes written. */
export function writevAllSync(fd: number, pieces: Buffer[]): number {
  let total = 0;
  for (let pending = pieces.filter((p) => p.length > 0); pending.length > 0; ) {
    const written = writevSync(fd, pending);
    total += written;
    pending = advance(pending, written);
  }
  return total;
}

/** writev may write less than asked (a signal, a nearly full disk): what is left after `written` bytes. */
function advance(pending: Buffer[], written: number): Buffer[] {
  if (written === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
  let rest = pending;
  while (written > 0 && rest.length > 0) {
    const first = rest[0]!;
    if (written >= first.length) {
      written -= first.length;
      rest = rest.slice(1);
    } else {
      rest = [first.subarray(written), ...rest.slice(1)];
      written = 0;
    }
  }
  return rest;
}

/** A rename is durable only once the directory holding the new name is fsynced (one trip: see IN_PLACE_MAX). */
export async function syncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Group commit, for the spool directory's fsyncs and the journal's fdatasyncs: many messages renamed into the
 * spool (or appended to the journal) while one sync runs are all made durable by the next one. A caller's
 * promise resolves only after a sync that STARTED after its call, so the 250 still means "on disk"; but 50
 * concurrent messages cost two syncs instead of fifty.
 */
export class GroupSync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private lazy: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly onLazyError: (err: unknown) => void = () => undefined,
    private readonly syncNow: (dir: string) => Promise<void> = syncDir,
  ) {}

  sync(): Promise<void> {
    if (!this.running) return this.start();
    // One sync is running and may have started before our rename: ride on the next one (shared by all waiting).
    this.queued ??= this.running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.queued;
  }

  /**
   * A sync within `delayMs`, waited for by nobody: for changes whose loss in a power cut costs a duplicate, not a
   * message (a removal after delivery). Any sync that starts in the meantime covers them, so a busy spool pays
   * nothing extra, and new mail never waits behind a removal's fsync.
   */
  later(delayMs: number): void {
    if (this.lazy || this.queued) return;
    this.lazy = setTimeout(() => {
      this.lazy = undefined;
      this.sync().catch(this.onLazyError);
    }, delayMs);
    this.lazy.unref();
  }

  /**
   * Resolves once no sync runs or waits to run, and drops a pending lazy one: for closing the descriptor the
   * syncs use (a sync still in the thread pool would hit a closed descriptor, or a reused one).
   */
  async drain(): Promise<void> {
    clearTimeout(this.lazy);
    this.lazy = undefined;
    for (let next = this.queued ?? this.running; next; next = this.queued ?? this.running) await next.catch(() => undefined);
  }

  private start(): Promise<void> {
    this.queued = undefined;
    // Starting now, this sync covers every change made before it, the lazy ones included.
    clearTimeout(this.lazy);
    this.lazy = undefined;
    const run = this.syncNow(this.dir).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}

/** Atomic replace: readers see the old file or the new one, never half of either. */
export async function replaceDurably(tmpPath: string, finalPath: string, dir: string, bytes: Buffer): Promise<void> {
  await writeSynced(tmpPath, bytes);
  renameSync(tmpPath, finalPath);
  await syncDir(dir);
}
