import { open as openFile, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ParleyError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { QueuedMessage } from './queued-message.js';
import { replaceDurably, seal, syncDir, unseal } from './sealed-file.js';
import { aad, fileRe, ignoreMissing, KEY_CHECK_AAD, MAX_META_BYTES, messagePath, metaOf } from './spool-layout.js';
import { readRecordAt, scanJournal, type JournalRecord } from './spool-journal.js';
import { decodeRecord } from './spool-record.js';

/** What opening a spool needs to read it back: where, with which key, and how to set a damaged message aside. */
export interface RecoveryContext {
  dir: string;
  tmpDir: string;
  key: Buffer;
  logger: Logger;
  /** Renames a damaged message's files to *.corrupt: never delivered, never deleted. */
  setAside(id: string, reason: string): Promise<void>;
}

/**
 * A wrong key (a misconfigured PARLEY_DATA_KEY) would make every file fail authentication and the whole queue
 * be set aside as corrupt. A sealed marker written with the first key tells the two cases apart: refuse to
 * start instead.
 */
export async function checkSpoolKey(ctx: RecoveryContext): Promise<void> {
  const path = join(ctx.dir, 'key-check');
  let sealed: Buffer;
  try {
    sealed = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await replaceDurably(join(ctx.tmpDir, 'key-check'), path, ctx.dir, seal(ctx.key, KEY_CHECK_AAD, Buffer.from('parley spool')));
    return;
  }
  try {
    unseal(ctx.key, KEY_CHECK_AAD, sealed);
  } catch {
    throw new ParleyError('spool_unavailable', `the spool key does not match the key ${ctx.dir} was written with; refusing to start`);
  }
}

/** Every message in files of its own, with the ids that have retry state beside them. */
export async function recoverFiles(ctx: RecoveryContext): Promise<{ index: Map<string, QueuedMessage>; withState: Set<string> }> {
  const index = new Map<string, QueuedMessage>();
  const withState = new Set<string>();
  // Temporaries are writes that never completed: no 250 was given for them.
  for (const name of await readdir(ctx.tmpDir)) await rm(join(ctx.tmpDir, name), { force: true });
  const metas = new Set<string>();
  const msgs = new Set<string>();
  for (const name of await readdir(ctx.dir)) {
    const match = fileRe.exec(name);
    if (match) (match[2] === 'meta' ? metas : msgs).add(match[1]!);
  }
  for (const id of msgs) {
    // I/O errors propagate (the disk is the problem, not this file); content errors set the message aside.
    let record: QueuedMessage;
    try {
      const state = metas.has(id) ? await readFile(messagePath(ctx.dir, id, 'meta')) : await readMetaPrefix(messagePath(ctx.dir, id, 'msg'));
      record = decodeRecord(id, unseal(ctx.key, aad(id, 'meta'), state));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await ctx.setAside(id, (err as Error).message);
      continue;
    }
    index.set(id, record);
    if (metas.has(id)) withState.add(id);
  }
  for (const id of metas) {
    if (msgs.has(id)) continue;
    ctx.logger.warn({ msgId: id }, 'spool: removing the state of a message that was already removed');
    await unlink(messagePath(ctx.dir, id, 'meta')).catch(ignoreMissing);
  }
  if (msgs.size > 0 || metas.size > 0) await syncDir(ctx.dir);
  return { index, withState };
}

/**
 * Messages an earlier run left in the journal, to be served from its segments, taken over as they are (no
 * copy, so a restart with a deep queue is quick). Ids already in `index` have a file, which wins: the message
 * was moved out and the crash came before its removal record was written. Adds the readable messages to
 * `index`; damaged ones are taken over too, for the spool to set aside (as it does a record damaged later).
 */
export function recoverJournal(
  ctx: RecoveryContext,
  index: Map<string, QueuedMessage>,
): { files: string[]; adopted: JournalRecord[]; damaged: { id: string; reason: string }[] } {
  const { records, files } = scanJournal(ctx.dir);
  const adopted: JournalRecord[] = [];
  const damaged: { id: string; reason: string }[] = [];
  for (const record of records) {
    if (index.has(record.id)) continue;
    adopted.push(record);
    // I/O errors propagate (the disk is the problem); content errors set the message aside.
    const payload = readRecordAt(record);
    try {
      index.set(record.id, decodeRecord(record.id, unseal(ctx.key, aad(record.id, 'meta'), metaOf(payload))));
    } catch (err) {
      damaged.push({ id: record.id, reason: (err as Error).message });
    }
  }
  if (files.length > 0) ctx.logger.info({ segments: files.length, messages: adopted.length - damaged.length }, 'spool: journal of an earlier run taken over');
  return { files, adopted, damaged };
}

/** The sealed metadata at the head of a message file, read without reading the (maybe large) message. */
async function readMetaPrefix(path: string): Promise<Buffer> {
  const handle = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(4);
    if ((await handle.read(head, 0, 4, 0)).bytesRead < 4) throw new Error('message file truncated');
    const length = head.readUInt32BE(0);
    if (length > MAX_META_BYTES) throw new Error('message file header is corrupt');
    const meta = Buffer.alloc(length);
    if ((await handle.read(meta, 0, length, 4)).bytesRead < length) throw new Error('message file truncated');
    return meta;
  } finally {
    await handle.close();
  }
}
