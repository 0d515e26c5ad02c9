import type { Transform, TransformCallback } from 'node:stream';
import { Encoder as Base64Encoder } from 'nodemailer/lib/base64/index.js';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp/index.js';

/** What this module reads of nodemailer's MimeNode (the tree MailComposer.compile() returns). */
export interface MimeTreeNode {
  content?: unknown;
  contentType?: string;
  multipart?: string | false;
  boundary?: string;
  childNodes: MimeTreeNode[];
  _raw?: unknown;
  _transforms?: unknown[];
  _processFuncs?: unknown[];
  getTransferEncoding(): string | false;
  buildHeaders(): string;
}

/**
 * The bytes nodemailer's MimeNode.build() produces for a tree whose contents are all strings or buffers, made
 * in one synchronous pass. build() streams: a PassThrough, a stream.pipeline with an AbortController per
 * content part, setImmediate hops between parts and a newline transform over everything, which for a 2 KB
 * message cost more CPU than the rest of the rebuild. The encoders are nodemailer's own, driven directly, so
 * the output is byte for byte the same (test/pipeline/mime-serialize.test.ts compares the two).
 *
 * Returns null for a tree this pass does not handle (stream, file or URL content, raw nodes, transforms):
 * the caller then uses build().
 */
export function serializeMimeTree(root: MimeTreeNode): Buffer | null {
  if (!serializable(root, true)) return null;
  const out: Buffer[] = [];
  writeNode(root, out);
  return finish(out);
}

function serializable(node: MimeTreeNode, isRoot: boolean): boolean {
  if (node._raw) return false;
  if (isRoot && ((node._transforms?.length ?? 0) > 0 || (node._processFuncs?.length ?? 0) > 0)) return false;
  const c = node.content;
  if (c !== undefined && c !== null && c !== '' && typeof c !== 'string' && !Buffer.isBuffer(c)) return false;
  return node.childNodes.every((child) => serializable(child, false));
}

/** MimeNode.stream(): headers, content (encoded), then each child between boundaries. */
function writeNode(node: MimeTreeNode, out: Buffer[]): void {
  const encoding = node.getTransferEncoding();
  out.push(Buffer.from(`${node.buildHeaders()}\r\n\r\n`, 'utf8'));
  const content = node.content as string | Buffer | undefined;
  if (content) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    if (encoding === 'base64') drive(new Base64Encoder(), bytes, out);
    // Outside text a lone CR or LF is data (nodemailer's rule, kept so the bytes match).
    else if (encoding === 'quoted-printable') drive(new QpEncoder({ binary: !/^text\//i.test(node.contentType ?? '') } as never), bytes, out);
    else out.push(bytes);
  }
  if (!node.multipart) return;
  node.childNodes.forEach((child, i) => {
    out.push(Buffer.from(`${i > 0 ? '\r\n' : ''}--${node.boundary}\r\n`, 'latin1'));
    writeNode(child, out);
  });
  out.push(Buffer.from(`\r\n--${node.boundary}--\r\n`, 'latin1'));
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
  const joined = Buffer.concat(out);
  const last = joined.length > 0 ? joined[joined.length - 1] : undefined;
  const tail = last === 0x0a ? '' : last === 0x0d ? '\n' : '\r\n';
  const whole = tail ? Buffer.concat([joined, Buffer.from(tail, 'latin1')]) : joined;
  return crlf(whole);
}

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
