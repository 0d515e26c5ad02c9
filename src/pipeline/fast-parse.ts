import { createRequire } from 'node:module';
import mailsplit from '@zone-eu/mailsplit';
import { MailParser, type ParsedMail } from 'mailparser';

/** What the relay reads of a parsed message; both parsers give it, field for field the same. */
export type ParsedContent = Pick<
  ParsedMail,
  'headers' | 'headerLines' | 'subject' | 'from' | 'to' | 'cc' | 'bcc' | 'replyTo' | 'date' | 'messageId' | 'inReplyTo' | 'references' | 'text' | 'textAsHtml' | 'html' | 'attachments'
>;

/** The options parse-message.ts hands simpleParser; the fast path gives what simpleParser gives with them. */
export const PARSER_OPTIONS = { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true } as const;

// The transfer decoders mailsplit itself uses (its own copies of libqp and libbase64, not the top-level ones).
const fromMailsplit = createRequire(createRequire(import.meta.url).resolve('@zone-eu/mailsplit'));
const libqp = fromMailsplit('libqp') as { decode(input: Buffer): Buffer };
const libbase64 = fromMailsplit('libbase64') as { decode(input: string): Buffer };

type MimeNode = InstanceType<typeof mailsplit.MimeNode>;

/** Mailparser's own header decoding (addresses, encoded words, dates, message ids), borrowed from one instance. */
const headerReader = new MailParser(PARSER_OPTIONS) as unknown as {
  processHeaders(lines: unknown): ParsedMail['headers'];
  textToHtml(text: string): string;
};

/** Larger messages, and any line this long, go to mailparser: its splitter handles them in pieces. */
const FAST_MAX = 256 * 1024;
const LINE_MAX = 16 * 1024;
const PARTS_MAX = 8;
const MAX_HEAD_SIZE = 1024 * 1024; // mailsplit's limit per header block
const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/**
 * The common shapes of a message written by a person, parsed in one synchronous pass: text/plain alone, or
 * multipart/alternative of text/plain and text/html parts, in UTF-8 or ASCII, with any transfer encoding, no
 * attachments. mailparser streams every message through its splitter and decoders (19 event-loop turns for a
 * 2 KB message); here the same header code (mailsplit's MimeNode, mailparser's processHeaders) runs on the
 * header blocks, and the bodies are cut where mailsplit cuts them and decoded by the same decoders.
 *
 * Anything else — another charset, format=flowed, attachments, nesting, bare CR or LF, a line starting with
 * "--" and the boundary that is not exactly a delimiter, a missing closing delimiter — returns null, and mailparser parses it.
 * test/pipeline/fast-parse.test.ts holds this to simpleParser's output on generated and collected messages.
 */
export function fastParse(raw: Buffer): ParsedContent | null {
  if (raw.length > FAST_MAX || !plainLines(raw)) return null;
  const headEnd = headerEnd(raw, 0);
  if (headEnd === -1) return null;
  const read = nodeOf(raw, 0, headEnd, false);
  if (!read) return null;
  const { node: root, headers } = read;
  const texts: TextPart[] = [];
  if (root.multipart) {
    if (root.multipart !== 'alternative' || !root._boundary) return null;
    const parts = splitParts(raw, headEnd, root._boundary);
    if (!parts) return null;
    for (const [start, end] of parts) {
      const text = textPart(raw, start, end, root);
      if (!text) return null;
      texts.push(text);
    }
  } else {
    // Root text/html is turned into text by html-to-text in mailparser: left to it.
    const text = root.contentType === 'text/plain' ? textOf(root, raw.subarray(headEnd)) : null;
    if (!text) return null;
    texts.push(text);
  }
  return assemble(root, headers, texts);
}

interface TextPart {
  type: 'text/plain' | 'text/html';
  content: string;
}

/** Every CR is followed by LF and every LF preceded by CR, and no line is longer than LINE_MAX. */
function plainLines(raw: Buffer): boolean {
  let lineStart = 0;
  for (let lf = raw.indexOf(LF); lf !== -1; lf = raw.indexOf(LF, lf + 1)) {
    if (lf === 0 || raw[lf - 1] !== CR || lf - lineStart > LINE_MAX) return false;
    lineStart = lf + 1;
  }
  if (raw.length - lineStart > LINE_MAX) return false;
  for (let cr = raw.indexOf(CR); cr !== -1; cr = raw.indexOf(CR, cr + 1)) if (raw[cr + 1] !== LF) return false;
  return true;
}

/** Where the header block starting at `start` ends: after its first empty line (-1 without one). */
function headerEnd(raw: Buffer, start: number): number {
  if (raw[start] === CR) return start + 2;
  const blank = raw.indexOf('\r\n\r\n', start);
  return blank === -1 ? -1 : blank + 4;
}

/** A MimeNode fed its header block line by line, as mailsplit feeds it, and mailparser's reading of the block. */
function nodeOf(raw: Buffer, start: number, end: number, parent: MimeNode | false): { node: MimeNode; headers: ParsedMail['headers'] } | null {
  const node = new mailsplit.MimeNode(parent, {});
  for (let at = start; at < end; ) {
    const lf = raw.indexOf(LF, at);
    node.addHeaderChunk(raw.subarray(at, lf + 1));
    at = lf + 1;
  }
  if (node.headerCost() > MAX_HEAD_SIZE) return null;
  node.parseHeaders();
  // mailparser reads every node's headers, a part's too: one that throws there must throw here (and fall back).
  return { node, headers: headerReader.processHeaders(node.headers && node.headers.getList()) };
}

/**
 * The parts of a multipart body as [start, end) offsets, each from its first header line to the end of its
 * content (the line break before the next delimiter belongs to the delimiter). Null unless the body is one
 * preamble, open delimiters, one closing delimiter and an epilogue, and no other line starts with "--" and the
 * boundary.
 */
function splitParts(raw: Buffer, from: number, boundary: Buffer): [number, number][] | null {
  const open = Buffer.concat([Buffer.from('--'), boundary, Buffer.from('\r\n')]);
  const close = Buffer.concat([Buffer.from('--'), boundary, Buffer.from('--\r\n')]);
  const parts: [number, number][] = [];
  let partStart = -1;
  let closed = false;
  for (let at = from; at < raw.length; ) {
    const lf = raw.indexOf(LF, at);
    const next = lf === -1 ? raw.length : lf + 1;
    // Only a line that starts with "--" and the boundary can be a delimiter (mailsplit's compareBoundary); one
    // with anything but a line break or "--" after it is read differently by different parsers: declined.
    if (raw[at] === DASH && raw[at + 1] === DASH && raw.compare(boundary, 0, boundary.length, at + 2, Math.min(next, at + 2 + boundary.length)) === 0) {
      if (closed) return null;
      const isOpen = next - at === open.length && raw.compare(open, 0, open.length, at, next) === 0;
      const isClose = !isOpen && next - at === close.length && raw.compare(close, 0, close.length, at, next) === 0;
      if (!isOpen && !isClose) return null;
      if (partStart !== -1) parts.push([partStart, at === partStart ? at : at - 2]);
      else if (isClose) return null; // a closing delimiter in the preamble
      partStart = next;
      if (isClose) closed = true;
    }
    at = next;
  }
  return closed && parts.length > 0 && parts.length <= PARTS_MAX ? parts : null;
}

/** One part: its headers must make it an inline text part mailparser reads as text. */
function textPart(raw: Buffer, start: number, end: number, parent: MimeNode): TextPart | null {
  const headEnd = headerEnd(raw, start);
  // A part that ends inside its header block is closed by mailsplit in a way of its own: left to it. (The
  // part's last line break, at end, belongs to the delimiter; its empty line may end there.)
  if (headEnd === -1 || headEnd > end + 2) return null;
  const node = nodeOf(raw, start, headEnd, parent)?.node;
  if (!node || node.multipart || (node.contentType !== 'text/plain' && node.contentType !== 'text/html')) return null;
  return textOf(node, headEnd >= end ? Buffer.alloc(0) : raw.subarray(headEnd, end));
}

/** mailparser's reading of an inline text node: transfer-decoded, taken as UTF-8, line breaks made LF. */
function textOf(node: MimeNode, body: Buffer): TextPart | null {
  if (node.flowed || node.filename || (node.disposition && node.disposition !== 'inline')) return null;
  const charset = (node.charset || 'utf-8').toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (charset !== 'utf8' && charset !== 'ascii' && charset !== 'usascii') return null;
  let decoded: Buffer;
  if (node.encoding === 'base64') {
    const b64 = body.toString('latin1');
    // mailsplit decodes base64 in pieces; with padding only at the very end, any pieces decode as the whole.
    const pad = b64.indexOf('=');
    if (pad !== -1 && /[^=\r\n]/.test(b64.slice(pad))) return null;
    decoded = libbase64.decode(b64.replace(/[^a-zA-Z0-9+/=]/g, ''));
  } else if (node.encoding === 'quoted-printable') decoded = libqp.decode(body);
  else decoded = body;
  return { type: node.contentType as TextPart['type'], content: decoded.toString().replace(/\r?\n/g, '\n') };
}

/** simpleParser's result for these shapes (getTextContent with every text part under one alternative). */
function assemble(root: MimeNode, headers: ParsedMail['headers'], parts: TextPart[]): ParsedContent {
  const mail = { attachments: [], headers, headerLines: root.headers ? root.headers.lines : [] } as unknown as ParsedContent & Record<string, unknown>;
  const text = parts.filter((p) => p.type === 'text/plain' && p.content).map((p) => p.content);
  const html = parts.filter((p) => p.type === 'text/html' && p.content).map((p) => p.content);
  if (text.length) {
    mail.text = text.join('\n');
    mail.textAsHtml = text.map((t) => headerReader.textToHtml(t)).join('<br/>\n');
  }
  for (const key of ['subject', 'references', 'date', 'to', 'from', 'cc', 'bcc', 'message-id', 'in-reply-to', 'reply-to']) {
    if (headers.has(key)) mail[key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = headers.get(key);
  }
  mail.html = html.length ? html.join('<br/>\n') : false;
  return mail;
}
