// Bench mail shaped like what buyers and sellers send: multipart/alternative text + HTML from an ordinary
// client, a share of it in Korean (UTF-8, base64 as Gmail and Naver send it), attachments in the larger sizes.
// The words come from order-talk.ts; this file is about the MIME around them.
import { randomBytes } from 'node:crypto';
import { orderTalk } from './order-talk.js';

export const SIZE_CLASSES = ['2k', '100k', '10m'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];
export const sizeLabel: Record<SizeClass, string> = { '2k': '2 KB', '100k': '100 KB', '10m': '10 MB' };

export interface Author {
  name: string;
  address: string;
}

export interface MessageSpec {
  /** Unique id the sink finds in the delivered Subject (the relay keeps Subject, drops X-* headers). */
  token: string;
  from: Author;
  to: string;
  korean: boolean;
  rand: () => number;
}

/** The message as wire chunks (CRLF, dot-safe, ending in CRLF): big attachments are shared, not copied. */
export interface BuiltMessage {
  chunks: Buffer[];
  bytes: number;
}

/**
 * Attachment sizes chosen so whole messages land near their class (base64 with CRLF grows by ×1.368).
 * Random bytes: photos and PDFs are compressed, so incompressible content is the honest stand-in.
 */
const ATTACHMENTS: Record<SizeClass, { filename: string; type: string; magic: string; bytes: number }[]> = {
  '2k': [],
  '100k': [{ filename: 'photo.jpg', type: 'image/jpeg', magic: '\xff\xd8\xff\xe0\x00\x10JFIF', bytes: 70_000 }],
  '10m': [
    { filename: '견적서.pdf', type: 'application/pdf', magic: '%PDF-1.7\n', bytes: 7_350_000 },
    { filename: 'IMG_2041.jpg', type: 'image/jpeg', magic: '\xff\xd8\xff\xe0\x00\x10JFIF', bytes: 300_000 },
  ],
};

/** Encoded bytes of the text part (the HTML part is about the same): puts the 2 KB class at about 2 KB. */
const TEXT_BYTES: Record<SizeClass, number> = { '2k': 560, '100k': 900, '10m': 900 };
/** Korean goes out base64-encoded (a third bigger), in both parts: budget fewer raw bytes for it. */
const KOREAN_GROWTH = 1.5;

const CRLF = '\r\n';

function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF) + CRLF;
}

/** RFC 2047 for display names and subjects with Korean; ASCII passes as is. */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
}

function mailbox(a: Author): string {
  const name = encodeWord(a.name);
  return name === a.name ? `"${a.name}" <${a.address}>` : `${name} <${a.address}>`;
}

/** Wraps at 76 columns on spaces; Korean lines are base64-encoded anyway. No line starts with a dot. */
function wrap(text: string): string[] {
  if (!text) return [''];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 76) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function textPart(type: 'plain' | 'html', body: string, korean: boolean): string {
  const encoding = korean ? 'base64' : '7bit';
  const content = korean ? base64Lines(Buffer.from(body)) : body.split('\n').flatMap(wrap).join(CRLF) + CRLF;
  return `Content-Type: text/${type}; charset="UTF-8"${CRLF}Content-Transfer-Encoding: ${encoding}${CRLF}${CRLF}${content}`;
}

/** Builds messages of one size class; attachments are encoded once and shared by every message. */
export function messageFactory(size: SizeClass): (spec: MessageSpec) => BuiltMessage {
  const attachments = ATTACHMENTS[size].map((a) => {
    const data = randomBytes(a.bytes);
    data.write(a.magic, 'latin1');
    const name = encodeURIComponent(a.filename);
    const header =
      `Content-Type: ${a.type}; name="${a.filename === name ? a.filename : encodeWord(a.filename)}"${CRLF}` +
      `Content-Disposition: attachment; filename*=UTF-8''${name}${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`;
    return { header, body: Buffer.from(base64Lines(data), 'latin1') };
  });

  return (spec) => {
    const { rand, korean } = spec;
    const talk = orderTalk(korean, spec.from.name, TEXT_BYTES[size] / (korean ? KOREAN_GROWTH : 1), rand);
    const text = talk.paragraphs.join('\n\n');
    const html = `<div dir="ltr">${talk.paragraphs.map((p) => `<p>${escapeHtml(p).replaceAll('\n', '<br>')}</p>`).join('\n')}</div>`;

    const id = spec.token;
    const alt = `000000000000alt${id}`;
    const mixed = `000000000000mix${id}`;
    const subject = `${encodeWord(talk.subject)} [ref ${spec.token}]`;
    const alternative =
      `--${alt}${CRLF}${textPart('plain', text, korean)}${CRLF}--${alt}${CRLF}${textPart('html', html, korean)}${CRLF}--${alt}--${CRLF}`;
    const headers = [
      `Received: from [192.0.2.10] by mail.client.example with ESMTPSA; ${new Date().toUTCString()}`,
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `From: ${mailbox(spec.from)}`,
      `To: ${spec.to}`,
      `Subject: ${subject}`,
      `Message-ID: <${id}.${Math.floor(rand() * 1e9).toString(36)}@mail.client.example>`,
      'MIME-Version: 1.0',
      'X-Mailer: BenchMail 1.0',
    ];

    if (!attachments.length) {
      const head = `${headers.join(CRLF)}${CRLF}Content-Type: multipart/alternative; boundary="${alt}"${CRLF}${CRLF}${alternative}`;
      const chunk = Buffer.from(head);
      return { chunks: [chunk], bytes: chunk.length };
    }
    const chunks = [
      Buffer.from(
        `${headers.join(CRLF)}${CRLF}Content-Type: multipart/mixed; boundary="${mixed}"${CRLF}${CRLF}` +
          `--${mixed}${CRLF}Content-Type: multipart/alternative; boundary="${alt}"${CRLF}${CRLF}${alternative}${CRLF}`,
      ),
    ];
    for (const a of attachments) chunks.push(Buffer.from(`--${mixed}${CRLF}${a.header}`), a.body, Buffer.from(CRLF));
    chunks.push(Buffer.from(`--${mixed}--${CRLF}`));
    return { chunks, bytes: chunks.reduce((sum, c) => sum + c.length, 0) };
  };
}

