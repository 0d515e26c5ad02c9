/* eslint-disable no-control-regex -- the control-character rules are nodemailer's, copied so the bytes match */
import type { Transform, TransformCallback } from 'node:stream';
import { Encoder as Base64Encoder } from 'nodemailer/lib/base64/index.js';
import { buildHeaderValue, encodeWord, foldLines, isPlainText, parseHeaderValue } from 'nodemailer/lib/mime-funcs/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp/index.js';
import type { MimePart, PlannedHeader } from './mime-plan.js';

/** The per-value encoders of nodemailer's MimeNode; they read no state of the node but its text encoding (unset). */
interface ValueEncoders {
  encodeHeaderValue(key: string, value: unknown): string;
  _convertAddresses(addresses: { name: string; address: string }[]): string;
  _encodeHeaderText(value: string): string;
  _encodeWords(value: string): string;
  _getTextEncoding(value: string | Buffer): 'Q' | 'B';
}
const encoders = new MimeNode() as unknown as ValueEncoders;

/** An address addressparser returns as it is, name empty (nodemailer's own test for a bare address). */
const PLAIN_ADDRESS = /^[^\s"(),:;<>@[\\\]]+@[^\s"(),:;<>@[\\\]]+$/;
const BOUNDARY_PREFIX = '--_NmP';

/**
 * The bytes nodemailer's MimeNode.build() produces for a planned message (mime-plan.ts), in one synchronous
 * pass. build() streams — a PassThrough, a stream.pipeline per part, setImmediate hops and a newline transform
 * over everything — and its tree costs a random boundary seed and a dozen header-list scans per part; for a
 * 2 KB message that was most of the rebuild. Header values go through nodemailer's own encoders and the bodies
 * through its base64 and quoted-printable encoders, so the output is byte for byte the same
 * (test/pipeline/mime-serialize.test.ts compares the two).
 */
export function serializeMessage(root: MimePart, baseBoundary: string): Buffer {
  const out: Buffer[] = [];
  writePart(root, true, baseBoundary.replace(/[\x00-\x1f\x7f]+/g, ''), out);
  return finish(out);
}

/** MimeNode.stream(): headers, content (encoded), then each child between boundaries. */
function writePart(part: MimePart, isRoot: boolean, base: string, out: Buffer[]): void {
  const headers = part.headers.slice();
  const contentType = String(headers[0]!.value);
  const encoding = transferEncoding(part, headers, contentType);
  if (encoding) setHeader(headers, 'Content-Transfer-Encoding', encoding);
  if (part.filename && !headers.some((h) => h.key === 'Content-Disposition')) setHeader(headers, 'Content-Disposition', 'attachment');
  if (isRoot) {
    headers.push({ key: 'MIME-Version', value: '1.0' });
    // Content-Type goes last in the root's header block.
    headers.push(headers.shift()!);
  }
  let boundary: string | false = false;
  const lines: string[] = [];
  for (const header of headers) {
    let value: string;
    if (header.key === 'Content-Type') {
      const built = contentTypeValue(part, String(header.value), base);
      boundary = built.boundary;
      value = built.value;
    } else if (header.key === 'Content-Disposition') {
      const structured = parseHeaderValue(String(header.value), { stripComments: true } as never);
      if (part.filename) structured.params.filename = part.filename;
      value = buildHeaderValue(structured).replace(/\r?\n|\r/g, ' ');
    } else value = encodeValue(header);
    if (value.trim()) lines.push(foldLines(`${header.key}: ${value}`, 76));
  }
  out.push(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'));
  const content = part.content;
  if (content) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    if (encoding === 'base64') drive(new Base64Encoder(), bytes, out);
    // Outside text a lone CR or LF is data (nodemailer's rule, kept so the bytes match).
    else if (encoding === 'quoted-printable') drive(new QpEncoder({ binary: !/^text\//i.test(contentType) } as never), bytes, out);
    else out.push(bytes);
  }
  if (!boundary) return;
  part.children.forEach((child, i) => {
    out.push(Buffer.from(`${i > 0 ? '\r\n' : ''}--${boundary}\r\n`, 'latin1'));
    writePart(child, false, base, out);
  });
  out.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
}

/** MimeNode.getTransferEncoding(): what the part's content goes out as, or false for a part without content. */
function transferEncoding(part: MimePart, headers: PlannedHeader[], contentType: string): string | false {
  const content = part.content;
  if (!content) return false;
  const declared = String(headers.find((h) => h.key === 'Content-Transfer-Encoding')?.value ?? '').toLowerCase().trim();
  if (declared === 'base64' || declared === 'quoted-printable') return declared;
  const type = contentType.toLowerCase().trim();
  if (/^text\//i.test(type)) {
    if (typeof content === 'string' && isPlainText(content) && !hasLongerLines(content, 76)) return '7bit';
    return encoders._getTextEncoding(content) === 'Q' ? 'quoted-printable' : 'base64';
  }
  if (!/^(multipart|message)\//i.test(type)) return declared || 'base64';
  return declared;
}

/** MimeNode.setHeader(): replaces a header of that name in place, or appends it. */
function setHeader(headers: PlannedHeader[], key: string, value: string): void {
  const at = headers.findIndex((h) => h.key === key);
  if (at >= 0) headers[at] = { key, value };
  else headers.push({ key, value });
}

/** buildHeaders()' Content-Type: parameters cleaned, a boundary for multiparts, charset and name as nodemailer sets them. */
function contentTypeValue(part: MimePart, raw: string, base: string): { value: string; boundary: string | false } {
  const structured = parseHeaderValue(raw, { stripComments: true } as never);
  structured.value = (structured.value || '').toString().replace(/[\x00-\x1f\x7f]/g, '');
  const type = structured.value.trim().toLowerCase();
  let boundary: string | false = false;
  if (/^multipart\//i.test(type)) {
    const declared = (structured.params.boundary ?? '').replace(/[\x00-\x1f\x7f]+/g, '');
    boundary = structured.params.boundary = declared || `${BOUNDARY_PREFIX}-${base}-Part_${part.id}`;
  }
  if (/^text\/plain\b/.test(structured.value) && typeof part.content === 'string' && /[\u0080-\uFFFF]/.test(part.content)) structured.params.charset = 'utf-8';
  const filename = part.filename;
  if (filename) for (const key of Object.keys(structured.params)) if (/^name(\*|$)/i.test(key)) delete structured.params[key];
  let value = buildHeaderValue(structured);
  if (filename) {
    // The name parameter as nodemailer writes it for clients that ignore filename* (QQ webmail).
    let param = /[\x00-\x1f\x7f]/.test(filename) ? encodeWord(filename, encoders._getTextEncoding(filename), 52) : encoders._encodeWords(filename);
    if (param !== filename || /[\s'"\\;:/=(),<>@[\]?]|^-/.test(param)) param = JSON.stringify(param);
    value += `; name=${param}`;
  }
  return { value: value.replace(/\r?\n|\r/g, ' '), boundary };
}

/** MimeNode.encodeHeaderValue() for the headers a plan holds. */
function encodeValue({ key, value }: PlannedHeader): string {
  switch (key) {
    case 'From':
      return encoders._convertAddresses([{ ...(value as { name: string; address: string }) }]);
    case 'To':
      // A bare address needs no address parser: nodemailer's parse of it is the address with an empty name.
      return PLAIN_ADDRESS.test(value as string) ? encoders._convertAddresses([{ name: '', address: value as string }]) : encoders.encodeHeaderValue(key, value);
    case 'Date':
      return (value as Date).toUTCString().replace(/GMT/, '+0000');
    case 'Message-ID':
    case 'In-Reply-To':
    case 'Content-ID':
    case 'References':
      return encoders.encodeHeaderValue(key, value);
    default:
      return encoders._encodeHeaderText(String(value).replace(/\r?\n|\r/g, ' '));
  }
}

/** mime-funcs' hasLongerLines (a line of more than n UTF-16 units; strings over 128 KiB count as long) without a RegExp per call. */
function hasLongerLines(s: string, n: number): boolean {
  if (s.length > 128 * 1024) return true;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) run = 0;
    else if (++run > n) return true;
  }
  return false;
}

/**
 * Runs a Transform's own _transform and _flush over one input, collecting what it pushes. nodemailer's
 * encoders call back synchronously; one that does not would leave out incomplete, so that is checked.
 */
function drive(encoder: Transform, input: Buffer, out: Buffer[]): void {
  let pending = 2;
  const done: TransformCallback = (err) => {
    if (err) throw err;
    pending--;
  };
  encoder.push = (chunk: unknown, enc?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined) out.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), enc ?? 'utf8'));
    return true;
  };
  encoder._transform(input, 'buffer' as BufferEncoding, done);
  encoder._flush?.(done);
  if (pending !== 0) throw new Error('encoder did not finish synchronously');
}

/** build()'s last two stages: a final line break if missing (LastNewline), then every bare LF as CRLF (LeWindows). */
function finish(out: Buffer[]): Buffer {
  let last: number | undefined;
  for (let i = out.length - 1; i >= 0 && last === undefined; i--) if (out[i]!.length > 0) last = out[i]![out[i]!.length - 1];
  if (last !== 0x0a) out.push(last === 0x0d ? LF : CRLF);
  return crlf(Buffer.concat(out));
}

const LF = Buffer.from('\n');
const CRLF = Buffer.from('\r\n');

function crlf(buf: Buffer): Buffer {
  let bare = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) if (i === 0 || buf[i - 1] !== 0x0d) bare++;
  if (bare === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length + bare);
  let to = 0;
  let from = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) {
    if (i > 0 && buf[i - 1] === 0x0d) continue;
    to += buf.copy(out, to, from, i);
    out[to++] = 0x0d;
    out[to++] = 0x0a;
    from = i + 1;
  }
  buf.copy(out, to, from);
  return out;
}
