import { randomBytes } from 'node:crypto';
import { base32 } from '../domain/alias.js';

export { scrubDiagnostic, type ScrubContext } from './diagnostic-scrub.js';
export { parseDsn, type ParsedDsn } from './dsn-parse.js';

export interface DsnInput {
  /** Our domain: Reporting-MTA and the mailer-daemon From address (the alias domain, so DKIM/DMARC align). */
  reportingDomain: string;
  /** The original sender's real address. */
  to: string;
  /** What the sender wrote to, reported as Final-Recipient: never the real recipient. */
  recipientAlias: string;
  action: 'failed' | 'delayed';
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string;
  /** Remote diagnostic, already passed through scrubDiagnostic. */
  diagnostic: string;
  arrivalDate: number;
  /** The original subject: the only part of the original we quote (its headers and body could name the recipient). */
  subject?: string;
  messageIdDomain: string;
  /** For 'delayed': until when we keep trying. */
  willRetryUntil?: number;
  /** Date of the report; defaults to now. */
  date?: number;
}

const CRLF = '\r\n';
/** Header fields we write must be single, plain addresses: anything else could inject headers. */
const plainAddressRe = /^[^\s<>()",;:\\@\p{Cc}]{1,64}@[a-z0-9.-]{1,253}$/iu;
const domainRe = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/i;
/** Remote text is quoted in a header field; 900 characters keep every folded line far below 998. */
const MAX_DIAGNOSTIC = 900;

/** An RFC 3464 delivery status notification (multipart/report; report-type=delivery-status), CRLF line endings. */
export function buildDsn(input: DsnInput): Buffer {
  for (const address of [input.to, input.recipientAlias]) {
    if (!plainAddressRe.test(address)) throw new TypeError('buildDsn: addresses must be plain addr-specs');
  }
  for (const domain of [input.reportingDomain, input.messageIdDomain]) {
    if (!domainRe.test(domain)) throw new TypeError('buildDsn: domains must be plain DNS names');
  }
  const failed = input.action === 'failed';
  const status = /^[245]\.\d{1,3}\.\d{1,3}$/.test(input.status) ? input.status : failed ? '5.0.0' : '4.0.0';
  const date = input.date ?? Date.now();
  const boundary = `=_parley_${base32(randomBytes(12))}`;
  const diagnostic = asciiLine(input.diagnostic).slice(0, MAX_DIAGNOSTIC) || 'no diagnostic given';

  const headers = [
    `From: Mail Delivery System <mailer-daemon@${input.reportingDomain}>`,
    `To: <${input.to}>`,
    `Subject: ${failed ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <${base32(randomBytes(16))}@${input.messageIdDomain}>`,
    // RFC 3834: DSNs are automatic replies; autoresponders and our own inbound side must not answer them.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;${CRLF} boundary="${boundary}"`,
  ];

  const perMessage = [`Reporting-MTA: dns; ${input.reportingDomain}`, `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`];
  const perRecipient = [
    `Final-Recipient: rfc822; ${input.recipientAlias}`,
    `Action: ${input.action}`,
    `Status: ${status}`,
    fold(`Diagnostic-Code: smtp; ${diagnostic}`),
    `Last-Attempt-Date: ${rfc5322Date(date)}`,
    ...(!failed && input.willRetryUntil ? [`Will-Retry-Until: ${rfc5322Date(input.willRetryUntil)}`] : []),
  ];

  const parts = [
    ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(humanText(input, failed, diagnostic))].join(CRLF),
    ['Content-Type: message/delivery-status', '', perMessage.join(CRLF), '', perRecipient.join(CRLF), ''].join(CRLF),
  ];
  if (input.subject !== undefined) {
    parts.push(['Content-Type: text/rfc822-headers', '', `Subject: ${encodeHeaderText(input.subject)}`, ''].join(CRLF));
  }

  const body = parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join('') + `--${boundary}--${CRLF}`;
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}This is a MIME-encapsulated delivery status report.${CRLF}${CRLF}${body}`, 'utf8');
}

function humanText(input: DsnInput, failed: boolean, diagnostic: string): string {
  const about = [...(input.subject === undefined ? [] : [`Subject: ${input.subject.replace(/[\r\n]+/g, ' ')}`]), `Reason: ${diagnostic}`];
  const lines = failed
    ? [
        `This is the mail system at ${input.reportingDomain}.`,
        '',
        `Your message to ${input.recipientAlias} could not be delivered. This is a permanent error;`,
        'it will not be retried.',
        '',
        ...about,
        '',
        `${input.recipientAlias} 주소로 보낸 메시지를 전달하지 못했습니다.`,
      ]
    : [
        `This is the mail system at ${input.reportingDomain}.`,
        '',
        `Your message to ${input.recipientAlias} has not been delivered yet. We keep trying${
          input.willRetryUntil ? ` until ${rfc5322Date(input.willRetryUntil)}` : ''
        }; you do not need to send it again.`,
        '',
        ...about,
        '',
        `${input.recipientAlias} 주소로 보낸 메시지의 전달이 지연되고 있습니다. 다시 보내실 필요는 없습니다.`,
      ];
  return lines.join('\r\n') + '\r\n';
}

/** RFC 5322 date in UTC: a DSN says nothing about where our servers are. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** Field bodies of message/delivery-status are US-ASCII (RFC 3464 2.1.3) and one logical line. */
function asciiLine(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Folds at spaces so no line passes 78 characters where the text allows (RFC 5322 2.2.3). */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > 78) {
      out.push(current);
      current = ` ${word}`;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  out.push(current);
  return out.join(CRLF);
}

/** RFC 2047 encoded words for non-ASCII or long text, split on character boundaries, one word per folded line. */
export function encodeHeaderText(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]{0,60}$/.test(flat)) return flat;
  const words: string[] = [];
  let chunk = '';
  for (const char of flat) {
    // 45 bytes of UTF-8 become 60 base64 characters: each encoded word stays under the 75 allowed.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

function base64Lines(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}
