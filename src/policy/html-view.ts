import { decodeEntityAt } from './html-entities.js';
import { MappedTextBuilder, type MappedText } from './mapped-text.js';

/**
 * HTML as the policy reads it, with every character traced to the raw markup: the rendered text (text nodes,
 * hidden ones included, with line breaks where blocks end) and the attribute values a reader or a mail client
 * acts on. A full parser (html-to-text's htmlparser2) loses those offsets, and without them a reviewer cannot
 * see what matched nor can masking replace it in place. The tokenizer is a single forward pass: linear on any
 * input, however malformed.
 */
export interface HtmlView {
  body: MappedText;
  attributes: { name: string; value: MappedText }[];
  images: HtmlImage[];
  /** Raw ranges holding content (text runs, attribute values): masking edits these and never markup. */
  content: ContentRange[];
  /** Deepest nesting of elements left open (void elements aside), as a parser building a tree would see it. */
  maxDepth: number;
}

export interface HtmlImage {
  start: number;
  end: number;
  attrs: Map<string, string>;
}

export interface ContentRange {
  start: number;
  end: number;
  kind: 'text' | 'attr';
}

/** Attributes whose values a recipient reads or follows; src is left out (images on a seller's CDN are not contact). */
const SCANNED_ATTRIBUTES = new Set(['href', 'alt', 'title', 'value', 'placeholder', 'aria-label', 'content', 'label', 'action', 'summary']);
/** URL-valued attributes where %40 is an @ to the mail client. */
const URL_ATTRIBUTES = new Set(['href', 'action']);
const BLOCK = new Set(
  ('address article aside blockquote br caption center dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 ' +
    'h5 h6 header hr li main nav ol option p pre section table tbody td tfoot th thead title tr ul').split(' '),
);
const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
/** Elements whose content is not text: skipped whole. */
const RAW_TEXT = new Map([
  ['script', /<\/script/gi],
  ['style', /<\/style/gi],
  ['template', /<\/template/gi],
]);
/** Elements whose content is text without tags (a "<" inside is literal). */
const RCDATA = new Map([
  ['title', /<\/title/gi],
  ['textarea', /<\/textarea/gi],
]);

export function readHtml(html: string): HtmlView {
  const body = new MappedTextBuilder(html.length);
  const view: HtmlView = { body: { text: '', start: new Int32Array(0), end: new Int32Array(0) }, attributes: [], images: [], content: [], maxDepth: 0 };
  let depth = 0;
  const text = (from: number, to: number) => {
    if (to <= from) return;
    view.content.push({ start: from, end: to, kind: 'text' });
    decodeInto(body, html, from, to, { entities: true, percent: false, collapse: true });
  };
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text(i, n);
      break;
    }
    text(i, lt);
    const next = html.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      // Comments, doctype, CDATA and processing instructions are not shown to the recipient.
      const close = html.startsWith('<!--', lt) ? html.indexOf('-->', lt + 4) : html.indexOf('>', lt);
      i = close < 0 ? n : close + (html.startsWith('<!--', lt) ? 3 : 1);
      continue;
    }
    const isEnd = next === 0x2f; /* / */
    if (!isAlpha(html.charCodeAt(lt + (isEnd ? 2 : 1)))) {
      text(lt, lt + 1);
      i = lt + 1;
      continue;
    }
    const tag = readTag(html, lt, isEnd);
    i = tag.end;
    if (BLOCK.has(tag.name)) body.pushUnit(tag.name === 'td' || tag.name === 'th' ? 0x20 : 0x0a, lt, tag.end);
    if (isEnd) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (!VOID.has(tag.name) && !tag.selfClosing) view.maxDepth = Math.max(view.maxDepth, ++depth);
    for (const a of tag.attrs) {
      if (!SCANNED_ATTRIBUTES.has(a.name) || a.end <= a.start) continue;
      view.content.push({ start: a.start, end: a.end, kind: 'attr' });
      const value = new MappedTextBuilder(a.end - a.start);
      decodeInto(value, html, a.start, a.end, { entities: true, percent: URL_ATTRIBUTES.has(a.name), collapse: false });
      view.attributes.push({ name: a.name, value: value.finish() });
    }
    if (tag.name === 'img') {
      view.images.push({ start: lt, end: tag.end, attrs: new Map(tag.attrs.map((a) => [a.name, decodeValue(html, a.start, a.end)])) });
    }
    const raw = RAW_TEXT.get(tag.name);
    const rc = RCDATA.get(tag.name);
    const closer = raw ?? rc;
    if (closer && !tag.selfClosing) {
      closer.lastIndex = i;
      const found = closer.exec(html);
      const stop = found ? found.index : n;
      if (rc) text(i, stop);
      i = stop;
    }
  }
  view.body = body.finish();
  return view;
}

interface RawAttr {
  name: string;
  /** Raw range of the value, quotes excluded. */
  start: number;
  end: number;
}

interface RawTag {
  name: string;
  attrs: RawAttr[];
  selfClosing: boolean;
  /** Offset one past the closing '>' (or the end of input for an unterminated tag). */
  end: number;
}

function readTag(html: string, lt: number, isEnd: boolean): RawTag {
  const n = html.length;
  let j = lt + (isEnd ? 2 : 1);
  const nameFrom = j;
  while (j < n && !isTagBreak(html.charCodeAt(j))) j++;
  const name = html.slice(nameFrom, j).toLowerCase();
  const attrs: RawAttr[] = [];
  let selfClosing = false;
  while (j < n) {
    const c = html.charCodeAt(j);
    if (c === 0x3e /* > */) return { name, attrs, selfClosing, end: j + 1 };
    if (isSpace(c) || c === 0x2f) {
      selfClosing = c === 0x2f;
      j++;
      continue;
    }
    selfClosing = false;
    const attrFrom = j;
    j++;
    while (j < n && !isTagBreak(html.charCodeAt(j)) && html.charCodeAt(j) !== 0x3d) j++;
    const attrName = html.slice(attrFrom, j).toLowerCase();
    while (j < n && isSpace(html.charCodeAt(j))) j++;
    if (html.charCodeAt(j) !== 0x3d /* = */) {
      attrs.push({ name: attrName, start: j, end: j });
      continue;
    }
    j++;
    while (j < n && isSpace(html.charCodeAt(j))) j++;
    const q = html.charCodeAt(j);
    if (q === 0x22 || q === 0x27) {
      const close = html.indexOf(q === 0x22 ? '"' : "'", j + 1);
      const stop = close < 0 ? n : close;
      attrs.push({ name: attrName, start: j + 1, end: stop });
      j = close < 0 ? n : close + 1;
    } else {
      const from = j;
      while (j < n && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 0x3e) j++;
      attrs.push({ name: attrName, start: from, end: j });
    }
  }
  return { name, attrs, selfClosing, end: n };
}

interface DecodeOptions {
  entities: boolean;
  /** Decode ASCII %XX escapes (URL attributes). */
  percent: boolean;
  /** Turn source line breaks and tabs into spaces, as rendering does. */
  collapse: boolean;
}

function decodeInto(out: MappedTextBuilder, s: string, from: number, to: number, options: DecodeOptions): void {
  let i = from;
  while (i < to) {
    const c = s.charCodeAt(i);
    if (c === 0x26 /* & */ && options.entities) {
      const e = decodeEntityAt(s.slice(i, Math.min(to, i + 48)), 0);
      if (e) {
        out.push(e.codePoint, i, i + e.length);
        i += e.length;
        continue;
      }
    }
    if (c === 0x25 /* % */ && options.percent && i + 2 < to) {
      const v = hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2));
      if (v >= 0x20 && v < 0x80) {
        out.pushUnit(v, i, i + 3);
        i += 3;
        continue;
      }
    }
    out.pushUnit(options.collapse && (c === 0x0a || c === 0x0d || c === 0x09) ? 0x20 : c, i, i + 1);
    i++;
  }
}

function decodeValue(s: string, from: number, to: number): string {
  const b = new MappedTextBuilder(to - from);
  decodeInto(b, s, from, to, { entities: true, percent: false, collapse: false });
  return b.finish().text;
}

/** Value of a hex digit, or a large negative number so that any sum with it is invalid. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1000;
}

function isAlpha(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;
}

function isTagBreak(c: number): boolean {
  return isSpace(c) || c === 0x2f || c === 0x3e;
}
