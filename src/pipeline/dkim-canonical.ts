import { createHash, type Hash } from 'node:crypto';

const SP = 0x20;
const TAB = 0x09;

/**
 * RFC 6376 §3.4.4 relaxed body canonicalization, fed straight into the hash a line at a time: whitespace runs
 * become one space, trailing whitespace goes, empty lines at the end are dropped. Lines without whitespace
 * (all of a base64 attachment) are hashed as they are, so a 10 MB body costs no copy.
 */
export function relaxedBodyHash(body: Buffer, algorithm = 'sha256'): string {
  const hash = createHash(algorithm);
  let pendingEmpty = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf('\r\n', start);
    const last = end === -1;
    if (last) end = body.length;
    const line = canonicalLine(body, start, end);
    if (line.length === 0) pendingEmpty++;
    else {
      for (; pendingEmpty > 0; pendingEmpty--) hash.update('\r\n');
      updateLine(hash, line);
      hash.update('\r\n');
    }
    start = last ? body.length : end + 2;
  }
  return hash.digest('base64');
}

/** A line with its whitespace made relaxed; the same bytes when it has none to change. */
function canonicalLine(body: Buffer, start: number, end: number): Buffer | string {
  let hasWsp = false;
  for (let i = start; i < end; i++) {
    const c = body[i];
    if (c === SP || c === TAB) {
      hasWsp = true;
      break;
    }
  }
  if (!hasWsp) return body.subarray(start, end);
  return body.toString('latin1', start, end).replace(/[ \t]+/g, ' ').replace(/ $/, '');
}

function updateLine(hash: Hash, line: Buffer | string): void {
  if (typeof line === 'string') hash.update(line, 'latin1');
  else hash.update(line);
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

