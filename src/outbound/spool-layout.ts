import { join } from 'node:path';
import { ParleyError } from '../domain/errors.js';

/**
 * How a spooled message lies on disk, shared by the spool and its recovery. A message file `<id>.msg`, and a
 * journal record's payload, is: length (u32 BE) | sealed metadata | sealed message; `<id>.meta` is sealed
 * metadata that overrides the file's. The associated data binds each sealed part to its kind and queue id.
 */
export const fileRe = /^([a-z2-7]{16,26})\.(msg|meta)$/;

/** Metadata is a few hundred bytes of JSON; a length beyond this is damage, not a record. */
export const MAX_META_BYTES = 1 << 20;

export const KEY_CHECK_AAD = 'parley-spool\0key-check';

export function messagePath(dir: string, id: string, kind: 'msg' | 'meta'): string {
  return join(dir, `${id}.${kind}`);
}

export function lengthPrefix(sealedMeta: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(sealedMeta.length, 0);
  return Buffer.concat([head, sealedMeta]);
}

/** The sealed metadata at the head of a message file (or journal record). */
export function metaOf(file: Buffer): Buffer {
  if (file.length < 4) throw new Error('message record truncated');
  const length = file.readUInt32BE(0);
  if (length > MAX_META_BYTES || file.length < 4 + length) throw new Error('message record header is corrupt');
  return file.subarray(4, 4 + length);
}

/** The sealed message bytes after the length-prefixed metadata. */
export function afterMeta(file: Buffer): Buffer {
  return file.subarray(4 + metaOf(file).length);
}

export function aad(id: string, kind: 'msg' | 'meta'): string {
  return `parley-spool\0${kind}\0${id}`;
}

export function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

export function unavailable(what: string, err: unknown): ParleyError {
  const code = (err as NodeJS.ErrnoException).code;
  return new ParleyError('spool_unavailable', `${what}${code ? ` (${code})` : ''}`, { cause: err });
}
