import { createRequire } from 'node:module';
import mailsplit from '@zone-eu/mailsplit';
import { MailParser, type Attachment, type ParsedMail } from 'mailparser';

/**
 * The fields of simpleParser's result the relay reads; both parsers give them, field for field the same. What
 * nothing reads is not made here: mailparser's decoded header map (the relay reads the raw header lines), the
 * text as HTML, and of an attachment its checksum, part number and header map.
 */
export const PARSED_FIELDS = [
  'headerLines', 'subject', 'from', 'to', 'cc', 'bcc', 'replyTo', 'date', 'messageId', 'inReplyTo', 'references', 'text', 'html', 'attachments',
] as const;
export const ATTACHMENT_FIELDS = ['content', 'contentType', 'filename', 'contentId', 'contentDisposition', 'size'] as const;
export type ParsedAttachment = Pick<Attachment, (typeof ATTACHMENT_FIELDS)[number]>;
export type ParsedContent = Pick<ParsedMail, Exclude<(typeof PARSED_FIELDS)[number], 'attachments'>> & { attachments: ParsedAttachment[] };

/**
 * The headers whose decoded values make the fields above (and an attachment's Content-ID). mailparser decodes
 * every header of every part; a Received chain, DKIM and ARC signatures and a mailer's X- lines are decoded
 * for a map nothing reads. Each header's value depends only on its own lines, so leaving the others out
 * changes none of these.
 */
const DECODED_HEADERS = new Set(['subject', 'references', 'date', 'to', 'from', 'cc', 'bcc', 'message-id', 'in-reply-to', 'reply-to', 'content-id']);

/** The options parse-message.ts hands simpleParser; the fast path gives what simpleParser gives with them. */
export const PARSER_OPTIONS = { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true } as const;

// The transfer decoders mailsplit itself uses (its own copies of libqp and libbase64, not the top-level ones).
const fromMailsplit = createRequire(createRequire(import.meta.url).resolve('@zone-eu/mailsplit'));
const libqp = fromMailsplit('libqp') as { decode(input: Buffer): Buffer };
const libbase64 = fromMailsplit('libbase64') as { decode(input: string): Buffer };

type MimeNode = InstanceType<typeof mailsplit.MimeNode>;
type Headers = ParsedMail['headers'];

/** Mailparser's own header decoding (addresses, encoded words, dates, message ids), borrowed from one instance. */
const reader = new MailParser(PARSER_OPTIONS) as unknown as {
  processHeaders(lines: unknown): Headers;
  textToHtml(text: string): string;
  libmime: { detectMimeType(filename: string): string | false };
};

/** Larger messages, and any line this long, go to mailparser: its splitter handles them in pieces. */
const FAST_MAX = 256 * 1024;
const LINE_MAX = 16 * 1024;
const PARTS_MAX = 16;
/** One multipart inside another (an alternative inside a mixed, as clients send it), and no deeper. */
const DEPTH_MAX = 1;
const MAX_HEAD_SIZE = 1024 * 1024; // mailsplit's limit per header block
const TEXT_TYPES = ['text/plain', 'text/html'];
const EMPTY = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/**
 * The common shapes of a message written by a person, parsed in one synchronous pass: text/plain alone, or
 * multipart/alternative of text parts, or multipart/mixed of those and attachments; text in UTF-8 or ASCII, any
 * transfer encoding. mailparser streams every message through its splitter and decoders (19 event-loop turns
 * for a 2 KB message); here the same header code (mailsplit's MimeNode, mailparser's processHeaders) runs on
 * the header blocks, the bodies are cut where mailsplit cuts them, decoded by the same decoders, and put
 * together as mailparser's getTextContent puts them.
 *
 * Anything else returns null, and mailparser parses it: another charset, format=flowed, HTML that mailparser
 * would turn into text, attached messages, related parts, deeper nesting, bare CR or LF, a line starting with
 * "--" and a boundary that is not exactly a delimiter, a multipart without its closing delimiter.
 * test/pipeline/fast-parse.test.ts holds this to simpleParser's output on generated and collected messages.
 */
export function fastParse(raw: Buffer): ParsedContent | null {
  if (raw.length > FAST_MAX || !plainLines(raw)) return null;
  const root = readPart(raw, 0, raw.length, false, 0);
  return root && assemble(root);
}

/** One MIME node: mailsplit's reading of its headers, mailparser's, and its body or its parts. */
interface Part {
  node: MimeNode;
  headers: Headers;
  body: Buffer;
  children: Part[];
}

function readPart(raw: Buffer, start: number, end: number, parent: MimeNode | false, depth: number): Part | null {
  const headEnd = headerEnd(raw, start);
  // A part that ends inside its header block is closed by mailsplit in a way of its own: left to it. (A part's
  // last line break, at end, belongs to the delimiter after it; its empty line may be that one.)
  if (headEnd === -1 || headEnd > end + (parent ? 2 : 0)) return null;
  const node = new mailsplit.MimeNode(parent, {});
  for (let at = start; at < headEnd; ) {
    const lf = raw.indexOf(LF, at);
    node.addHeaderChunk(raw.subarray(at, lf + 1));
    at = lf + 1;
  }
  if (node.headerCost() > MAX_HEAD_SIZE) return null;
  node.parseHeaders();
  // A header that makes mailparser throw here makes the caller fall back to it.
  const lines = (node.headers ? node.headers.getList() : []) as { key: string }[];
  const headers = reader.processHeaders(lines.filter((line) => DECODED_HEADERS.has(line.key)));
  const body = parent ? bodyOf(raw, headEnd, end) : raw.subarray(headEnd);
  if (!body) return null;
  const part: Part = { node, headers, body, children: [] };
  // An attached message is parsed as a message of its own, a delivery status read as text: left to mailparser.
  if (!node.multipart) return node.rfc822 || !node.contentType || node.contentType === 'message/delivery-status' ? null : part;
  if ((node.multipart !== 'alternative' && node.multipart !== 'mixed') || !node._boundary || depth > DEPTH_MAX) return null;
  const regions = splitParts(raw, headEnd, end, node._boundary);
  if (!regions) return null;
  for (const [from, to] of regions) {
    const child = readPart(raw, from, to, node, depth + 1);
    if (!child) return null;
    part.children.push(child);
  }
  return part;
}

/**
 * The content between a part's header block and the line break before the next delimiter; null for a part
 * whose content is that line break alone (the header block ends where the content ends): mailsplit keeps it or
 * drops it depending on where its input was cut into pieces (parse-message hands mailparser a message over
 * 64 KiB in pieces). Everything else taken here mailsplit reads the same wherever a piece ends: the test puts
 * piece boundaries on and around delimiters.
 */
function bodyOf(raw: Buffer, headEnd: number, end: number): Buffer | null {
  if (headEnd < end) return raw.subarray(headEnd, end);
  return headEnd === end && raw[end] === CR ? null : EMPTY;
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

/**
 * The parts of a multipart body in [from, to) as [start, end) offsets, each from its first header line to the
 * end of its content (the line break before the next delimiter belongs to the delimiter). Null unless the body
 * is a preamble, open delimiters, one closing delimiter and an epilogue, and no other line starts with "--"
 * and the boundary: only such a line can be a delimiter (mailsplit's compareBoundary), and one with anything
 * but a line break or "--" after the boundary is read differently by different parsers.
 */
function splitParts(raw: Buffer, from: number, to: number, boundary: Buffer): [number, number][] | null {
  const open = Buffer.concat([Buffer.from('--'), boundary, Buffer.from('\r\n')]);
  const close = Buffer.concat([Buffer.from('--'), boundary, Buffer.from('--\r\n')]);
  const parts: [number, number][] = [];
  let partStart = -1;
  let closed = false;
  for (let at = from; at < to; ) {
    const lf = raw.indexOf(LF, at);
    const next = lf === -1 || lf >= to ? to : lf + 1;
    if (raw[at] === DASH && raw[at + 1] === DASH && raw.compare(boundary, 0, boundary.length, at + 2, Math.min(next, at + 2 + boundary.length)) === 0) {
      if (closed) return null;
      const isOpen = next - at === open.length && raw.compare(open, 0, open.length, at, next) === 0;
      // The closing line of a nested multipart may end where its enclosing part ends, its line break cut off.
      const closeLength = next === to && raw[next - 1] !== LF ? close.length - 2 : close.length;
      const isClose = !isOpen && next - at === closeLength && raw.compare(close, 0, closeLength, at, next) === 0;
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

/** mailparser's createNode: which leaf parts are inline text and which are attachments. */
function isAttachment(node: MimeNode): boolean {
  // mailparser first maps dispositions other than these two to attachment, which comes to the same here.
  return !TEXT_TYPES.includes(node.contentType as string) || (!!node.disposition && node.disposition !== 'inline');
}

/** What the part's transfer encoding decodes to, as mailsplit's decoder for it gives it. */
function decoded(part: Part): Buffer | null {
  const { node, body } = part;
  if (node.encoding === 'quoted-printable') return libqp.decode(body);
  // A copy: the content outlives the received message in the parsed result.
  if (node.encoding !== 'base64') return Buffer.from(body);
  const b64 = body.toString('latin1');
  // mailsplit decodes base64 in pieces; with padding only at the very end, any pieces decode as the whole.
  const pad = b64.indexOf('=');
  if (pad !== -1 && /[^=\r\n]/.test(b64.slice(pad))) return null;
  return libbase64.decode(b64.replace(/[^a-zA-Z0-9+/=]/g, ''));
}

/** mailparser's reading of an inline text part: taken as UTF-8, line breaks made LF. */
function textOf(part: Part): string | null {
  const { node } = part;
  if (node.flowed) return null;
  const charset = (node.charset || 'utf-8').toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (charset !== 'utf8' && charset !== 'ascii' && charset !== 'usascii') return null;
  const bytes = decoded(part);
  return bytes && bytes.toString().replace(/\r?\n/g, '\n');
}

/** The fields of mailparser's attachment object the relay reads. */
function attachmentOf(part: Part): ParsedAttachment | null {
  const { node, headers } = part;
  const content = decoded(part);
  if (!content) return null;
  let contentType = node.contentType as string;
  if (contentType === 'application/octet-stream' && node.filename) contentType = reader.libmime.detectMimeType(node.filename) || 'application/octet-stream';
  const attachment: ParsedAttachment = { content, contentType, size: content.length };
  if (node.disposition) attachment.contentDisposition = node.disposition;
  if (node.filename) attachment.filename = node.filename;
  if (headers.has('content-id')) attachment.contentId = ([] as unknown[]).concat(headers.get('content-id') || []).shift() as string;
  return attachment;
}

/** simpleParser's result: the text and HTML as getTextContent joins them, the attachments in order. */
function assemble(root: Part): ParsedContent | null {
  const leaves: { part: Part; alternative: boolean; text?: string }[] = [];
  const attachments: ParsedAttachment[] = [];
  let hasText = false;
  let hasHtml = false;
  const walk = (part: Part, alternative: boolean): boolean => {
    if (part.node.multipart) {
      const inside = alternative || part.node.contentType === 'multipart/alternative';
      return part.children.every((child) => walk(child, inside));
    }
    if (isAttachment(part.node)) {
      const attachment = attachmentOf(part);
      if (attachment) attachments.push(attachment);
      return !!attachment;
    }
    const text = textOf(part);
    if (text === null) return false;
    if (part.node.contentType === 'text/plain') hasText = true;
    else hasHtml = true;
    leaves.push({ part, alternative, text });
    return true;
  };
  if (!walk(root, false)) return null;

  const text: string[] = [];
  const html: string[] = [];
  for (const { part, alternative, text: content } of leaves) {
    if (!content) continue;
    if (part.node.contentType === 'text/plain') {
      text.push(content);
      if (!alternative && hasHtml) html.push(reader.textToHtml(content));
    } else {
      // mailparser makes text of this HTML with html-to-text: left to it.
      if ((!alternative && hasText) || (part === root && !hasText)) return null;
      html.push(content);
    }
  }

  const { headers } = root;
  const mail = { attachments, headerLines: root.node.headers ? root.node.headers.lines : [] } as unknown as ParsedContent & Record<string, unknown>;
  if (text.length) mail.text = text.join('\n');
  for (const key of ['subject', 'references', 'date', 'to', 'from', 'cc', 'bcc', 'message-id', 'in-reply-to', 'reply-to']) {
    if (headers.has(key)) mail[key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = headers.get(key);
  }
  mail.html = html.join('<br/>\n') || false;
  return mail;
}
