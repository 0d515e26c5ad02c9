import { readFileSync, readdirSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { messageFactory } from '../../bench/messages.js';
import { fastParse, PARSER_OPTIONS, type ParsedContent } from '../../src/pipeline/fast-parse.js';
import { seededRandom } from '../helpers/seeded-random.js';

// The fast path is only worth having if it is mailparser, field for field, on every message it takes: each case
// parses with both, and every message the fast path does not decline must come out the same.
const FIELDS = ['headers', 'headerLines', 'subject', 'from', 'to', 'cc', 'bcc', 'replyTo', 'date', 'messageId', 'inReplyTo', 'references', 'text', 'textAsHtml', 'html', 'attachments'] as const;

function pick(mail: Partial<ParsedContent>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of FIELDS) if (key in mail) out[key] = mail[key];
  return out;
}

/** Parses with both; true when the fast path took the message (and then it matched). */
async function agrees(raw: Buffer, label: string): Promise<boolean> {
  const fast = fastParse(raw);
  if (!fast) return false;
  let slow: Partial<ParsedContent>;
  try {
    slow = await simpleParser(raw, PARSER_OPTIONS);
  } catch (err) {
    throw new Error(`${label}: the fast path parsed a message mailparser refuses (${(err as Error).message})`, { cause: err });
  }
  expect(pick(fast), label).toEqual(pick(slow));
  return true;
}

const CRLF = '\r\n';
const fixtures = new URL('../fixtures/', import.meta.url);

describe('fastParse against mailparser', () => {
  it('parses the bench messages (2 KB, English and Korean) the same, and takes every one', async () => {
    const rand = seededRandom(7);
    const make = messageFactory('2k');
    for (let i = 0; i < 40; i++) {
      const korean = i % 2 === 1;
      const built = make({ token: `tok${i}`, from: { name: korean ? '김민지 판매자' : 'Blue "Kettle" Shop', address: 'seller@shop.example' }, to: 'b7@relay.example', korean, rand });
      expect(await agrees(Buffer.concat(built.chunks), `bench message ${i}`)).toBe(true);
    }
  });

  it('declines the bench messages with attachments (100 KB)', () => {
    const built = messageFactory('100k')({ token: 't', from: { name: 'A', address: 'a@x.example' }, to: 'b@relay.example', korean: false, rand: seededRandom(1) });
    expect(fastParse(Buffer.concat(built.chunks))).toBeNull();
  });

  it('agrees on every fixture it takes, and takes the plain ones', async () => {
    let taken = 0;
    for (const dir of ['messages/', 'bounces/']) {
      for (const name of readdirSync(new URL(dir, fixtures)).filter((n) => n.endsWith('.eml'))) {
        const raw = Buffer.from(readFileSync(new URL(dir + name, fixtures), 'latin1').replace(/\r?\n/g, CRLF), 'latin1');
        if (await agrees(raw, name)) taken++;
      }
    }
    expect(taken).toBeGreaterThanOrEqual(3);
  });

  it('takes and agrees on what nodemailer writes with text (alone or with HTML), in any text encoding', async () => {
    const rand = seededRandom(11);
    let taken = 0;
    for (let i = 0; i < 150; i++) {
      const text = rand() < 0.9 ? words(rand, 1 + Math.floor(rand() * 120)) : '';
      const html = rand() < 0.6 ? `<p>${words(rand, 1 + Math.floor(rand() * 80))}</p>` : undefined;
      // nodemailer leaves out an empty text when there is HTML.
      const htmlOnly = !!html && (rand() < 0.2 || !text);
      const built = await new MailComposer({
        from: { name: pickOf(rand, ['Jiwoo', '김지우', 'A "quoted" name', '', 'Smith, John']), address: 'jiwoo@gmail.example' },
        to: pickOf(rand, ['x@relay.example', 'Seller <x@relay.example>', 'x@relay.example, "Y" <y@relay.example>']),
        cc: rand() < 0.3 ? 'c@relay.example' : undefined,
        subject: words(rand, 1 + Math.floor(rand() * 15)),
        text: htmlOnly ? undefined : text,
        html,
        textEncoding: pickOf(rand, [undefined, 'quoted-printable', 'base64'] as const),
        inReplyTo: rand() < 0.4 ? '<prev.1@mail.example>' : undefined,
        references: rand() < 0.4 ? ['<a@mail.example>', '<prev.1@mail.example>'] : undefined,
        date: new Date(Date.UTC(2026, 10, 1 + (i % 28), 9, i % 60)),
      })
        .compile()
        .build();
      // nodemailer leaves the text's own line breaks for the SMTP client to make CRLF, as it sends them.
      const raw = Buffer.from(built.toString('latin1').replace(/\r?\n/g, CRLF), 'latin1');
      // Only a message of HTML alone is left to mailparser (it makes the text of it with html-to-text).
      expect(await agrees(raw, `nodemailer message ${i}`), `nodemailer message ${i}`).toBe(!htmlOnly);
      if (!htmlOnly) taken++;
    }
    expect(taken).toBeGreaterThan(100);
  });

  it('agrees on hand-written shapes and edge cases, and declines what it does not take', async () => {
    const rand = seededRandom(23);
    let taken = 0;
    let declined = 0;
    for (let i = 0; i < 1500; i++) {
      const raw = Buffer.from(randomMessage(rand), 'utf8');
      if (await agrees(raw, `random message ${i}: ${JSON.stringify(raw.toString('latin1').slice(0, 3000))}`)) taken++;
      else declined++;
    }
    expect(taken).toBeGreaterThan(300);
    expect(declined).toBeGreaterThan(150);
  });

  it('declines what it leaves to mailparser', () => {
    const ok = `From: a@x.example${CRLF}To: b@relay.example${CRLF}Subject: hi${CRLF}${CRLF}hello${CRLF}`;
    expect(fastParse(Buffer.from(ok))).not.toBeNull();
    const alt = (body: string) =>
      Buffer.from(`From: a@x.example${CRLF}Content-Type: multipart/alternative; boundary=b${CRLF}${CRLF}${body}`);
    const plainPart = `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}hi${CRLF}`;
    expect(fastParse(alt(`${plainPart}--b--${CRLF}`))).not.toBeNull();
    expect(fastParse(alt(`--b${CRLF}${CRLF}hi${CRLF}-- ${CRLF}sig${CRLF}--b--${CRLF}`)), 'a signature line').not.toBeNull();
    const declines: [string, Buffer][] = [
      ['a bare LF', Buffer.from(ok.replace('hello', 'hel\nlo'))],
      ['a bare CR', Buffer.from(ok.replace('hello', 'hel\rlo'))],
      ['no empty line after the headers', Buffer.from(`From: a@x.example${CRLF}Subject: hi${CRLF}`)],
      ['another charset', Buffer.from(ok.replace('Subject: hi', `Content-Type: text/plain; charset=iso-8859-1${CRLF}Subject: hi`))],
      ['format=flowed', Buffer.from(ok.replace('Subject: hi', `Content-Type: text/plain; format=flowed${CRLF}Subject: hi`))],
      ['a root HTML part', Buffer.from(ok.replace('Subject: hi', `Content-Type: text/html${CRLF}Subject: hi`))],
      ['an attachment disposition', Buffer.from(ok.replace('Subject: hi', `Content-Disposition: attachment${CRLF}Subject: hi`))],
      ['no closing delimiter', alt(plainPart)],
      ['a delimiter with transport padding', alt(`${plainPart}--b ${CRLF}x${CRLF}--b--${CRLF}`)],
      ['a closing delimiter in the preamble', alt(`--b--${CRLF}${plainPart}--b--${CRLF}`)],
      ['a line of the boundary and more', alt(`${plainPart}--bx${CRLF}sig${CRLF}--b--${CRLF}`)],
      ['an attachment part', alt(`${plainPart}--b${CRLF}Content-Type: image/png${CRLF}${CRLF}AAAA${CRLF}--b--${CRLF}`)],
      ['multipart/mixed', Buffer.from(alt(`${plainPart}--b--${CRLF}`).toString().replace('alternative', 'mixed'))],
      ['base64 padding inside', alt(`--b${CRLF}Content-Type: text/plain${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}QQ==${CRLF}QQ==${CRLF}--b--${CRLF}`)],
    ];
    for (const [why, raw] of declines) expect(fastParse(raw), why).toBeNull();
  });
});

function pickOf<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

const VOCABULARY = ['order', 'shipped', 'thanks', '배송', '문의드립니다', '감사합니다', 'size M', 'café', '=', '==', '=3D', '. ', '..', 'a\tb', '  ', 'http://shop.example/x?a=1&b=2', '<b>', '&amp;', '😀', '--', '---', 'From ', '=?UTF-8?B?7ZWc?='];

function words(rand: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(pickOf(rand, VOCABULARY));
    if (rand() < 0.1) out.push(pickOf(rand, ['\n', '\n\n', ' \n', '\r\n']));
  }
  return out.join(' ');
}

/** A text body as a client may send it, in one of the transfer encodings, with CRLF line ends. */
function encodedBody(rand: () => number, text: string): { cte: string | undefined; body: string } {
  const crlf = text.replace(/\r?\n/g, CRLF);
  const choice = rand();
  if (choice < 0.3) return { cte: pickOf(rand, [undefined, '7bit', '8bit', 'binary', 'x-unknown']), body: crlf };
  if (choice < 0.65) {
    const b64 = Buffer.from(crlf).toString('base64');
    const width = pickOf(rand, [76, 72, 64, 4, 1000]);
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width));
    return { cte: pickOf(rand, ['base64', 'BASE64', 'Base64']), body: lines.join(CRLF) };
  }
  // Quoted-printable, hand-made so soft breaks, trailing spaces and lone '=' all occur.
  const qp = Buffer.from(crlf)
    .toString('latin1')
    .replace(/[=\x80-\xff]/g, (c) => (rand() < 0.95 ? `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c))
    .replace(/(.{20})/g, (m) => (rand() < 0.3 ? `${m}=${CRLF}` : m));
  return { cte: pickOf(rand, ['quoted-printable', 'Quoted-Printable']), body: Buffer.from(qp, 'latin1').toString('utf8') };
}

function textPartHead(rand: () => number, type: string, cte: string | undefined): string[] {
  const lines: string[] = [];
  const charset = pickOf(rand, ['utf-8', '"UTF-8"', 'us-ascii', 'utf8', undefined, 'iso-8859-1', 'euc-kr']);
  const flowed = rand() < 0.05 ? '; format=flowed' : '';
  if (rand() < 0.92) lines.push(`Content-Type: ${pickOf(rand, [type, type.toUpperCase()])}${charset ? `; charset=${charset}` : ''}${flowed}`);
  if (cte) lines.push(`Content-Transfer-Encoding: ${cte}`);
  if (rand() < 0.08) lines.push(`Content-Disposition: ${pickOf(rand, ['inline', 'attachment', 'inline; filename=a.txt', 'weird'])}`);
  if (rand() < 0.05) lines.push('Content-ID: <p1@x.example>');
  return lines;
}

function rootHeaders(rand: () => number): string[] {
  const lines = [
    `From: ${pickOf(rand, ['"Jiwoo Kim" <jiwoo@gmail.example>', '=?UTF-8?B?6rmA7KeA7Jqw?= <jiwoo@naver.example>', 'jiwoo@gmail.example', 'Kim, Jiwoo <j@x.example>', '=?utf-8?q?J=C3=AD?= <j@x.example>'])}`,
    `To: ${pickOf(rand, ['s@relay.example', 'Shop <s@relay.example>, other@relay.example', 'undisclosed-recipients:;', 'Group: a@x.example, b@x.example;'])}`,
  ];
  if (rand() < 0.3) lines.push(`Cc: ${pickOf(rand, ['c@relay.example', '"C, D" <c@relay.example>'])}`);
  if (rand() < 0.9) lines.push(`Subject: ${pickOf(rand, ['Order 1042', '=?UTF-8?B?7KO866y4IOusuOydmA==?=', '=?UTF-8?Q?caf=C3=A9?= and more', 'Re: [x] a\r\n  folded subject', ''])}`);
  if (rand() < 0.8) lines.push(`Date: ${pickOf(rand, ['Mon, 23 Nov 2026 10:00:00 +0900', 'Tue, 1 Dec 2026 01:02:03 GMT', '23 Nov 2026 10:00 -0000'])}`);
  if (rand() < 0.8) lines.push(`Message-ID: ${pickOf(rand, ['<m1@mail.example>', 'm2@mail.example', '<m3@mail.example> (comment)'])}`);
  if (rand() < 0.3) lines.push('In-Reply-To: <prev@mail.example>');
  if (rand() < 0.3) lines.push('References: <a@mail.example>\r\n <b@mail.example> <prev@mail.example>');
  if (rand() < 0.3) lines.push(pickOf(rand, ['X-Mailer: Thing 1.0', 'List-Unsubscribe: <mailto:u@x.example>', 'Auto-Submitted: auto-replied', 'Reply-To: r@x.example', 'Received: from x by y; Mon, 23 Nov 2026 10:00:00 +0900']));
  if (rand() < 0.5) lines.push('MIME-Version: 1.0');
  // Header order varies between clients.
  return lines.sort(() => rand() - 0.5);
}

function randomMessage(rand: () => number): string {
  const head = rootHeaders(rand);
  let out: string;
  if (rand() < 0.4) {
    const { cte, body } = encodedBody(rand, words(rand, Math.floor(rand() * 60)));
    head.push(...textPartHead(rand, 'text/plain', cte));
    out = `${head.join(CRLF)}${CRLF}${CRLF}${body}${rand() < 0.8 ? CRLF : ''}`;
  } else {
    const boundary = pickOf(rand, ['b1', '----=_Part_12_34.56', '000000000000abcdef0123', 'with space', '"quoted"']);
    const bare = boundary.replace(/"/g, '');
    head.push(`Content-Type: ${pickOf(rand, ['multipart/alternative', 'multipart/alternative', 'Multipart/Alternative', 'multipart/mixed'])}; boundary=${boundary.includes(' ') ? `"${boundary}"` : boundary}`);
    const parts: string[] = [];
    const n = 1 + Math.floor(rand() * 3);
    for (let p = 0; p < n; p++) {
      const type = pickOf(rand, ['text/plain', 'text/html', 'text/plain']);
      const text = type === 'text/html' ? `<div>${words(rand, Math.floor(rand() * 40))}</div>` : words(rand, Math.floor(rand() * 40));
      const { cte, body } = encodedBody(rand, text);
      const partHead = textPartHead(rand, type, cte);
      parts.push(`${partHead.join(CRLF)}${partHead.length ? CRLF : ''}${CRLF}${body}`);
    }
    const preamble = rand() < 0.3 ? `This is a multi-part message in MIME format.${CRLF}` : '';
    const epilogue = rand() < 0.2 ? `${CRLF}epilogue text${CRLF}` : '';
    const close = rand() < 0.95 ? `--${bare}--${CRLF}` : '';
    out = `${head.join(CRLF)}${CRLF}${CRLF}${preamble}${parts.map((p) => `--${bare}${CRLF}${p}${CRLF}`).join('')}${close}${epilogue}`;
  }
  // A few messages broken in the ways real mail is: a bare LF, a line starting with "--", an empty part.
  const r = rand();
  if (r < 0.03) out = out.replace(CRLF + CRLF, '\n\n');
  else if (r < 0.06) out = out.replace(/(\r\n)([^\r\n]*)$/, '$1-- $2');
  return out;
}
