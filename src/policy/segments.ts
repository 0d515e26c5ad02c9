import { compile } from 'html-to-text';
import { simpleParser, type AddressObject } from 'mailparser';
import { readHtml, type HtmlView } from './html-view.js';
import type { MappedText } from './mapped-text.js';
import type { ScanInput } from './scan.js';
import type { PartId } from './types.js';

/**
 * One stretch of text the detectors read, and where it sits in the message. The text is decoded (HTML entities,
 * charsets); `map` traces it back to the part when decoding changed offsets.
 */
export interface Segment {
  part: PartId;
  /** The part as the caller gave it (raw HTML for HTML parts): findings quote it. */
  source: string;
  text: string;
  map?: MappedText;
  /** Whether applyMasks can rewrite the part (subject, display names, text, html). */
  maskable: boolean;
  /** Where the text comes from; a file name or an attribute is read differently from prose. */
  origin: 'subject' | 'display-name' | 'body' | 'html-body' | 'html-attribute' | 'html-rendered' | 'file-name' | 'header';
  /** For html-rendered: the HTML part it is a second reading of. */
  renders?: PartId;
}

export interface ExtractedMessage {
  segments: Segment[];
  /** The top-level HTML, read once here and reused for markup checks (tracking pixels). */
  html?: HtmlView;
}

/**
 * Attached messages are read this deep and no deeper: legitimate forwards nest two or three levels, and a
 * message bomb nesting thousands must not cost thousands of parses.
 */
const MAX_NESTING = 3;

/** Media types read as text, besides text/*: contact cards, calendars and attached messages carry addresses. */
const TEXT_TYPES = new Set(['application/ics', 'application/json', 'application/xml', 'application/vcard', 'application/csv']);
const TEXT_EXTENSIONS = /\.(?:txt|csv|tsv|vcf|vcard|ics|ical|md|json|xml|log|html?|eml)$/i;
const HTML_EXTENSIONS = /\.html?$/i;

export async function extractSegments(input: ScanInput): Promise<ExtractedMessage> {
  const segments: Segment[] = [{ part: 'subject', source: input.subject, text: input.subject, maskable: true, origin: 'subject' }];
  input.displayNames.forEach((name, i) => segments.push({ part: `display-name[${i}]`, source: name, text: name, maskable: true, origin: 'display-name' }));
  if (input.text) segments.push({ part: 'text', source: input.text, text: input.text, maskable: true, origin: 'body' });
  let html: HtmlView | undefined;
  if (input.html) {
    html = readHtml(input.html);
    segments.push(...htmlSegments('html', input.html, html, true));
  }
  for (const [i, att] of input.attachments.entries()) segments.push(...(await attachmentSegments(att, `attachment[${i}]`, i, '', 0)));
  return html ? { segments, html } : { segments };
}

function htmlSegments(part: PartId, source: string, view: HtmlView, maskable: boolean): Segment[] {
  const segments: Segment[] = [
    { part, source, text: view.body.text, map: view.body, maskable, origin: 'html-body' },
    ...view.attributes.map((a): Segment => ({ part, source, text: a.value.text, map: a.value, maskable, origin: 'html-attribute' })),
  ];
  if (view.maxDepth <= MAX_RENDER_DEPTH) {
    const rendered = renderHtml(source);
    // Last, so the engine has the offset-mapped reading's findings when it compares (see scan.ts).
    segments.push({ part: `${part}.rendered`, source: rendered, text: rendered, maskable: false, origin: 'html-rendered', renders: part });
  }
  return segments;
}

/**
 * A second reading of the HTML by a real parser (htmlparser2, through html-to-text): a mail client parses
 * malformed markup its own way, and text our tokenizer took for a tag may be shown. Only what this reading
 * finds and the offset-mapped one does not is kept. Deeply nested markup is not given to it: html-to-text
 * recurses per element (the stack overflows past ~10,000 levels) and its time grows with the square of the
 * depth (200,000 nested divs: 14 s). Our tokenizer reads such markup flat, so nothing goes unread.
 */
function renderHtml(html: string): string {
  return render(html);
}

/** Deep enough for real mail layouts (tables in tables, unclosed <p>s), shallow enough to cost html-to-text little. */
const MAX_RENDER_DEPTH = 256;

/** Compiled once: building html-to-text's selector tables per message cost more than rendering the message. */
const render = compile({
  wordwrap: false,
  limits: { maxDepth: MAX_RENDER_DEPTH },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
});

function textSegment(part: PartId, text: string, origin: Segment['origin']): Segment {
  return { part, source: text, text, maskable: false, origin };
}

type Attachment = ScanInput['attachments'][number];

async function attachmentSegments(att: Attachment, part: PartId, index: number, prefix: string, depth: number): Promise<Segment[]> {
  const out: Segment[] = [];
  if (att.filename) out.push(textSegment(`${prefix}attachment-name[${index}]`, att.filename, 'file-name'));
  const kind = textKind(att.contentType, att.filename);
  if (kind === 'text') out.push(textSegment(part, decodeText(att.content), 'body'));
  if (kind === 'html') {
    const html = decodeText(att.content);
    out.push(...htmlSegments(part, html, readHtml(html), false));
  }
  if (kind === 'message') out.push(...(await messageSegments(att.content, `${part}/`, depth + 1)));
  return out;
}

async function messageSegments(raw: Buffer, prefix: string, depth: number): Promise<Segment[]> {
  if (depth > MAX_NESTING) return [textSegment(`${prefix}raw`, decodeText(raw), 'body')];
  let mail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch {
    // What does not parse as a message is still text a recipient can open: read it as such.
    return [textSegment(`${prefix}raw`, decodeText(raw), 'body')];
  }
  const out: Segment[] = [];
  if (mail.subject) out.push(textSegment(`${prefix}subject`, mail.subject, 'subject'));
  for (const name of ['from', 'to', 'cc', 'bcc', 'reply-to'] as const) {
    const value = mail.headers.get(name) as AddressObject | AddressObject[] | undefined;
    const text = [value ?? []].flat().map((v) => v.text).join(', ');
    if (text) out.push(textSegment(`${prefix}header:${name}`, text, 'header'));
  }
  if (mail.text) out.push(textSegment(`${prefix}text`, mail.text, 'body'));
  if (typeof mail.html === 'string' && mail.html) out.push(...htmlSegments(`${prefix}html`, mail.html, readHtml(mail.html), false));
  for (const [i, att] of mail.attachments.entries()) {
    const nested = { filename: att.filename, contentType: att.contentType, content: att.content };
    out.push(...(await attachmentSegments(nested, `${prefix}attachment[${i}]`, i, prefix, depth)));
  }
  return out;
}

function textKind(contentType: string, filename: string | undefined): 'text' | 'html' | 'message' | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'message/rfc822' || (filename && /\.eml$/i.test(filename))) return 'message';
  if (type === 'text/html' || (filename && HTML_EXTENSIONS.test(filename))) return 'html';
  if (type.startsWith('text/') || TEXT_TYPES.has(type) || (filename && TEXT_EXTENSIONS.test(filename))) return 'text';
  return null;
}

/** The caller decoded transfer encodings; charsets other than UTF-8 and UTF-16 (with BOM) are read as UTF-8. */
function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  return new TextDecoder('utf-8').decode(buf);
}
