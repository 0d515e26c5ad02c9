import { detectExtension, detectMimeType } from 'nodemailer/lib/mime-funcs/index.js';
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
    const contentType = a.contentType || detectMimeType(a.filename || 'bin');
    const isMessage = /^message\//i.test(contentType);
    // Unnamed parts get nodemailer's name for them; an attached message stays unnamed.
    const filename = a.filename || (isMessage ? undefined : `attachment-${i + 1}.${detectExtension(contentType)}`);
    return {
      contentType,
      content: a.content || '',
      filename,
      // Inline images keep their Content-ID so cid: references in the HTML still resolve.
      cid: a.contentId ? a.contentId.replace(/^<|>$/g, '') : undefined,
      disposition: a.contentDisposition === 'inline' ? 'inline' : 'attachment',
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
  if (input.autoSubmitted) h.push({ key: 'Auto-Submitted', value: input.autoSubmitted });
  if (input.policyTags?.length) h.push({ key: 'X-Parley-Policy', value: input.policyTags.join(', ') });
  h.push({ key: 'From', value: input.from });
  if (input.to) h.push({ key: 'To', value: input.to });
  if (input.thread.inReplyTo) h.push({ key: 'In-Reply-To', value: input.thread.inReplyTo });
  if (input.thread.references.length > 0) h.push({ key: 'References', value: input.thread.references });
  if (input.content.subject) h.push({ key: 'Subject', value: input.content.subject });
  h.push({ key: 'Message-ID', value: input.messageId });
  h.push({ key: 'Date', value: input.date });
  return root;
}

/** ASCII only, no NUL, no line over RFC 5322's 998 octets: content 7bit can describe. */
function fitsSevenBit(content: Buffer): boolean {
  let line = 0;
  for (const c of content) {
    if (c === 0 || c > 0x7f) return false;
    if (c === 0x0a || c === 0x0d) line = 0;
    else if (++line > 998) return false;
  }
  return true;
}
