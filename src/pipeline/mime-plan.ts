import { detectExtension, detectMimeType } from 'nodemailer/lib/mime-funcs/index.js';
import type { ParsedAttachment } from './fast-parse.js';
import type { ComposeInput } from './compose-message.js';

/** A header as nodemailer's MimeNode keeps it: a normalised name and a value not yet encoded. */
export interface PlannedHeader {
  key: string;
  value: string | Date | string[] | { name: string; address: string };
}

/** One part of the outgoing message; `id` numbers parts in creation order, as nodemailer does for boundaries. */
export interface MimePart {
  id: number;
  headers: PlannedHeader[];
  filename?: string;
  content?: string | Buffer;
  children: MimePart[];
}

interface Element {
  contentType: string;
  content: string | Buffer;
  filename?: string;
  cid?: string;
  disposition?: string;
  transferEncoding?: string;
}

/**
 * The MIME layout nodemailer's MailComposer.compile() gives our input (which parts, nested how, with which
 * headers in which order), made without its MimeNode objects: building those cost more than the encoding.
 * mime-serialize.ts turns the plan into bytes; test/pipeline/mime-serialize.test.ts checks the result is
 * byte for byte nodemailer's build().
 */
export function planMessage(input: ComposeInput): MimePart {
  const alternatives: Element[] = [];
  if (input.content.text) alternatives.push({ contentType: 'text/plain; charset=utf-8', content: input.content.text });
  if (input.content.html) alternatives.push({ contentType: 'text/html; charset=utf-8', content: input.content.html });
  const html = input.content.html ? alternatives[alternatives.length - 1] : undefined;
  const all = input.parsed.mail.attachments.map((a, i): Element => {
    const d = deliveredAttachment(a);
    const contentType = d.contentType || detectMimeType(d.filename || 'bin');
    const isMessage = /^message\//i.test(contentType);
    return {
      contentType,
      content: a.content || '',
      // Unnamed parts get nodemailer's name for them; an attached message stays unnamed.
      filename: d.filename || (isMessage ? undefined : `attachment-${i + 1}.${detectExtension(contentType)}`),
      cid: d.cid,
      disposition: d.contentDisposition,
      // A message/* part cannot be encoded (RFC 2046 §5.2.1): labelled for what it holds.
      transferEncoding: isMessage ? (fitsSevenBit(a.content) ? '7bit' : '8bit') : 'base64',
    };
  });
  const attached = html ? all.filter((a) => !a.cid) : all;
  const related = html ? all.filter((a) => a.cid) : [];
  const useRelated = !!html && related.length > 0;
  const useAlternative = alternatives.length > 1;
  const useMixed = attached.length > 1 || (alternatives.length > 0 && attached.length === 1);

  let next = 0;
  const part = (parent: MimePart | null, contentType: string): MimePart => {
    const p: MimePart = { id: ++next, headers: [{ key: 'Content-Type', value: contentType }], children: [] };
    parent?.children.push(p);
    return p;
  };
  const contentPart = (parent: MimePart | null, e: Element): MimePart => {
    const p = part(parent, e.contentType);
    if (e.filename) p.filename = e.filename;
    if (e.cid) p.headers.push({ key: 'Content-ID', value: `<${e.cid.replace(/[<>]/g, '')}>` });
    if (e.transferEncoding) p.headers.push({ key: 'Content-Transfer-Encoding', value: e.transferEncoding });
    if (!/^text\//i.test(e.contentType) || e.disposition) p.headers.push({ key: 'Content-Disposition', value: e.disposition ?? 'attachment' });
    p.content = e.content;
    return p;
  };
  const relatedPart = (parent: MimePart | null): MimePart => {
    const p = part(parent, 'multipart/related; type="text/html"');
    contentPart(p, html!);
    for (const r of related) contentPart(p, r);
    return p;
  };
  const alternativePart = (parent: MimePart | null): MimePart => {
    const p = part(parent, 'multipart/alternative');
    for (const a of alternatives) {
      if (useRelated && a === html) relatedPart(p);
      else contentPart(p, a);
    }
    return p;
  };

  let root: MimePart;
  if (useMixed) {
    root = part(null, 'multipart/mixed');
    if (useAlternative) alternativePart(root);
    else if (useRelated) relatedPart(root);
    for (const e of [...(useAlternative ? [] : alternatives), ...attached]) if (!useRelated || e !== html) contentPart(root, e);
  } else if (useAlternative) root = alternativePart(null);
  else if (useRelated) root = relatedPart(null);
  else root = contentPart(null, [...alternatives, ...attached][0] ?? { contentType: 'text/plain', content: '' });

  const h = root.headers;
  for (const [key, value] of Object.entries(addedHeaders(input))) h.push({ key, value });
  h.push({ key: 'From', value: input.from });
  if (input.to) h.push({ key: 'To', value: input.to });
  if (input.thread.inReplyTo) h.push({ key: 'In-Reply-To', value: input.thread.inReplyTo });
  if (input.thread.references.length > 0) h.push({ key: 'References', value: input.thread.references });
  if (input.content.subject) h.push({ key: 'Subject', value: input.content.subject });
  h.push({ key: 'Message-ID', value: input.messageId });
  h.push({ key: 'Date', value: input.date });
  return root;
}

/**
 * What of a parsed attachment is delivered: its name, type, Content-ID and disposition, nothing else of its
 * headers. Shared by the plan and by nodemailer's tree (larger messages), so both deliver the same.
 */
export function deliveredAttachment(a: ParsedAttachment): { filename: string | undefined; contentType: string; cid: string | undefined; contentDisposition: 'inline' | 'attachment' } {
  return {
    filename: a.filename,
    contentType: a.contentType,
    // Inline images keep their Content-ID so cid: references in the HTML still resolve.
    cid: a.contentId ? a.contentId.replace(/^<|>$/g, '') : undefined,
    contentDisposition: a.contentDisposition === 'inline' ? 'inline' : 'attachment',
  };
}

/** The headers the relay adds of its own (names as nodemailer normalises them), in the order it adds them. */
export function addedHeaders(input: ComposeInput): Record<string, string> {
  return {
    ...(input.autoSubmitted ? { 'Auto-Submitted': input.autoSubmitted } : {}),
    ...(input.policyTags?.length ? { 'X-Parley-Policy': input.policyTags.join(', ') } : {}),
  };
}

/** MailComposer's fitsSevenBit (not exported by nodemailer): ASCII only, no NUL, no line over RFC 5322's 998 octets. */
function fitsSevenBit(content: Buffer): boolean {
  let line = 0;
  for (const c of content) {
    if (c === 0 || c > 0x7f) return false;
    if (c === 0x0a || c === 0x0d) line = 0;
    else if (++line > 998) return false;
  }
  return true;
}
