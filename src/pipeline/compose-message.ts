import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { addedHeaders, deliveredAttachment, planMessage } from './mime-plan.js';
import { serializeMessage } from './mime-serialize.js';
import type { ParsedMessage } from './parse-message.js';
import { pieces } from './pieces.js';
import type { ThreadIds } from './translate-thread.js';

export interface MessageContent {
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
}

export interface ComposeInput {
  parsed: ParsedMessage;
  /** The sender's public marketplace name and their alias for this pair. */
  from: { name: string; address: string };
  /** The recipient's real address. */
  to: string;
  messageId: string;
  /** Seeds MIME boundaries: random per message (the relay id), so they say nothing about the sender. */
  boundary: string;
  thread: ThreadIds;
  date: Date;
  /** Normalised Auto-Submitted value, when the original was automatic. */
  autoSubmitted?: string | undefined;
  /** Rule ids of `tag` findings, delivered as X-Parley-Policy. */
  policyTags?: string[];
  /** The content to deliver: the original, or the policy's masked version of it. */
  content: MessageContent;
}

/**
 * Rebuilds the outgoing message from parsed, checked parts and the header allow-list (src/domain/headers.ts).
 * Nothing of the original header block or MIME skeleton survives, so parser/transport differentials (bare
 * CRs, text outside parts, duplicate boundaries or headers) cannot smuggle anything past our checks.
 */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const { text, html } = input.content;
  const size = input.parsed.mail.attachments.reduce((n, a) => n + a.content.length, (text?.length ?? 0) + (html?.length ?? 0));
  if (size <= SERIALIZE_IN_ONE_PASS_MAX) return serializeMessage(planMessage(input), input.boundary);
  return mimeTree(input).build();
}

/**
 * Messages whose parts come to at most this size are encoded in one synchronous pass; larger ones stream
 * through nodemailer's encoders in pieces, so a 10 MB attachment never exists as one 13 MB base64 string.
 */
const SERIALIZE_IN_ONE_PASS_MAX = 1024 * 1024;

/** The MIME tree of the outgoing message (nodemailer's MimeNode): what larger messages stream from, and the reference for the one-pass bytes. */
export function mimeTree(input: ComposeInput) {
  const { mail } = input.parsed;
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.content.subject,
    date: input.date,
    messageId: input.messageId,
    baseBoundary: input.boundary,
    inReplyTo: input.thread.inReplyTo,
    references: input.thread.references.length > 0 ? input.thread.references : undefined,
    text: input.content.text,
    html: input.content.html,
    headers: addedHeaders(input),
    attachments: mail.attachments.map((a) => ({
      ...deliveredAttachment(a),
      // In pieces: the encoder then makes small strings as it goes, not one the size of the attachment.
      content: pieces(a.content),
    })),
    // CRLF everywhere: what we sign and spool is byte for byte what the next hop receives.
    newline: 'windows',
    // The composer must never read local files or fetch URLs named by a sender.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile();
}

/** Date normalised to UTC (the composer writes +0000); a missing or absurd date becomes now. */
export function deliveredDate(original: Date | undefined, now: number): Date {
  const t = original?.getTime();
  // More than a day in the future is a broken clock or a trick to pin the message at the top of an inbox.
  return t !== undefined && Number.isFinite(t) && t < now + 86_400_000 ? new Date(t) : new Date(now);
}

/** Auto-Submitted (RFC 3834) and the usual out-of-office signals, normalised. */
export function autoSubmittedValue(headers: Map<string, string[]>): string | undefined {
  const declared = headers.get('auto-submitted')?.[0]?.split(';')[0]?.trim().toLowerCase();
  if (declared && declared !== 'no') return /^auto-(replied|generated|notified)$/.test(declared) ? declared : 'auto-generated';
  const precedence = headers.get('precedence')?.[0]?.toLowerCase();
  if (headers.has('x-autoreply') || headers.has('x-autorespond') || precedence === 'auto_reply') return 'auto-replied';
  return undefined;
}
