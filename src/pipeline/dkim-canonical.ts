import { createHash, type Hash } from 'node:crypto';

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/**
 * RFC 6376 §3.4.4 relaxed body canonicalization, fed straight into the hash: whitespace runs become one space,
 * trailing whitespace goes, empty lines at the end are dropped. A small body is rewritten in one pass over its
 * bytes and hashed at once. In a large one only lines that hold a space or tab need rewriting; everything
 * between them (all of a base64 attachment) is hashed as one slice of the body, found with native searches, so
 * a 10 MB body costs neither a copy nor a loop over its bytes in JavaScript.
 */
export function relaxedBodyHash(body: Buffer, algorithm = 'sha256'): string {
  const hash = createHash(algorithm);
  const end = contentEnd(body);
  if (end <= RELAXED_COPY_MAX) hash.update(relaxedCopy(body, end));
  else hashInSlices(hash, body, end);
  if (end > 0) hash.update(CRLF);
  return hash.digest('base64');
}

/**
 * Up to this size the one pass wins: a text part has a space on nearly every line, and slicing it line by line
 * made a string and two regular-expression passes per line (the top allocation site of a 2 KB message's
 * rebuild in a sampled heap profile).
 */
const RELAXED_COPY_MAX = 64 * 1024;

/** body[0, end) with each whitespace run as one space, or as nothing where it ends a line. */
function relaxedCopy(body: Buffer, end: number): Buffer {
  const out = Buffer.allocUnsafe(end);
  let n = 0;
  let i = 0;
  while (i < end) {
    const c = body[i]!;
    if (c !== SP && c !== TAB) {
      out[n++] = c;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < end && (body[j] === SP || body[j] === TAB)) j++;
    if (j < end && !(body[j] === CR && body[j + 1] === LF)) out[n++] = SP;
    i = j;
  }
  return out.subarray(0, n);
}

function hashInSlices(hash: Hash, body: Buffer, end: number): void {
  let pos = 0;
  while (pos < end) {
    const wsp = nextWhitespace(body, pos, end);
    if (wsp === -1) {
      hash.update(body.subarray(pos, end));
      break;
    }
    const crlfBefore = body.lastIndexOf(CRLF, wsp);
    const lineStart = Math.max(pos, crlfBefore === -1 ? 0 : crlfBefore + 2);
    if (lineStart > pos) hash.update(body.subarray(pos, lineStart));
    const crlfAfter = body.indexOf(CRLF, wsp);
    const lineEnd = crlfAfter === -1 || crlfAfter > end ? end : crlfAfter;
    hash.update(body.toString('latin1', lineStart, lineEnd).replace(/[ \t]+/g, ' ').replace(/ $/, ''), 'latin1');
    // The CRLF that ends this line goes out with the next slice.
    pos = lineEnd;
  }
}

const CRLF = '\r\n';

/** Where the last line with something other than whitespace ends (before its CRLF); 0 for a blank body. */
function contentEnd(body: Buffer): number {
  let last = body.length - 1;
  while (last >= 0 && (body[last] === SP || body[last] === TAB || body[last] === CR || body[last] === LF)) last--;
  if (last < 0) return 0;
  const crlf = body.indexOf(CRLF, last);
  return crlf === -1 ? body.length : crlf;
}

function nextWhitespace(body: Buffer, from: number, end: number): number {
  const sp = body.indexOf(SP, from);
  const tab = body.indexOf(TAB, from);
  const first = sp === -1 ? tab : tab === -1 ? sp : Math.min(sp, tab);
  return first === -1 || first >= end ? -1 : first;
}

export interface HeaderField {
  /** Name as written. */
  name: string;
  /** The whole field as written, folds included, without its final CRLF. */
  raw: string;
}

/** Splits a header block (latin1, CRLF line ends) into fields; continuation lines stay with their field. */
export function headerFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) fields[fields.length - 1]!.raw += `\r\n${line}`;
    else fields.push({ name: line.slice(0, line.indexOf(':')).trim(), raw: line });
  }
  return fields;
}

/** RFC 6376 §3.4.2 relaxed header canonicalization of one field, with its CRLF. */
export function relaxedHeader(name: string, value: string): string {
  const v = value.replace(/\r\n(?=[ \t])/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${name.toLowerCase().trim()}:${v}\r\n`;
}

export function valueOf(field: HeaderField): string {
  return field.raw.slice(field.raw.indexOf(':') + 1);
}

