import { readFileSync, readdirSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { messageFactory } from '../../bench/messages.js';
import { ATTACHMENT_FIELDS, fastParse, PARSED_FIELDS, type ParsedContent } from '../../src/pipeline/fast-parse.js';
import { parseWithMailparser } from '../../src/pipeline/parse-message.js';
import { seededRandom } from '../helpers/seeded-random.js';

// The fast path is only worth having if it is mailparser, field for field, on every message it takes: each case
// parses with both, and every message the fast path does not decline must come out the same.
function pick(mail: Partial<ParsedContent>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of PARSED_FIELDS) if (key in mail) out[key] = mail[key];
  // The same bytes, compared as one string: toEqual walks a Buffer byte by byte (seconds for 64 KiB).
  if (mail.attachments) {
    out.attachments = mail.attachments.map((a) => {
      const fields: Record<string, unknown> = {};
      for (const key of ATTACHMENT_FIELDS) if (key in a) fields[key] = key === 'content' ? a.content.toString('base64') : a[key];
      return fields;
    });
  }
  return out;
}

/** Parses with both; true when the fast path took the message (and then it matched). */
async function agrees(raw: Buffer, label: string): Promise<boolean> {
  return (await compared(raw, label)) !== null;
}

/** The fast path's result when it took the message and it matched mailparser's; null when it declined. */
async function compared(raw: Buffer, label: string): Promise<ParsedContent | null> {
  const fast = fastParse(raw);
  if (!fast) return null;
  let slow: Partial<ParsedContent>;
  try {
    slow = await parseWithMailparser(raw);
  } catch (err) {
    throw new Error(`${label}: the fast path parsed a message mailparser refuses (${(err as Error).message})`, { cause: err });
  }
  expect(pick(fast), label).toEqual(pick(slow));
  return fast;
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

  it('parses the bench messages with an attachment (100 KB, in 64 KiB pieces for mailparser) the same', async () => {
    const rand = seededRandom(3);
    const make = messageFactory('100k');
    for (let i = 0; i < 6; i++) {
      const built = make({ token: `t${i}`, from: { name: 'A', address: 'a@x.example' }, to: 'b@relay.example', korean: i % 2 === 1, rand });
      expect(await agrees(Buffer.concat(built.chunks), `100 KB bench message ${i}`)).toBe(true);
    }
  });

  it('agrees wherever a 64 KiB piece boundary falls around a delimiter', async () => {
    const tails = [
      (before: string) => `${before}${CRLF}--zz${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}--zz--${CRLF}`,
      (before: string) =>
        `${before}${CRLF}--zz${CRLF}Content-Type: multipart/alternative; boundary=aa${CRLF}${CRLF}--aa${CRLF}Content-Type: text/plain${CRLF}${CRLF}y${CRLF}` +
        `--aa${CRLF}Content-Type: text/html${CRLF}${CRLF}<p>y</p>${CRLF}--aa--${CRLF}--zz--${CRLF}`,
      (before: string) => `${before}${CRLF}--zz--`,
    ];
    let taken = 0;
    for (const tail of tails) {
      for (const [before, encoding] of [['x', ''], ['QUJD\r\n', 'base64'], ['=3D', 'quoted-printable']] as const) {
        for (let shift = -20; shift <= 20; shift++) {
          // An attachment sized so the delimiter after it, or the line break before it, lands on the piece boundary.
          const head =
            `From: a@x.example${CRLF}Content-Type: multipart/mixed; boundary=zz${CRLF}${CRLF}--zz${CRLF}Content-Type: text/plain${CRLF}${CRLF}hi${CRLF}` +
            `--zz${CRLF}Content-Type: application/octet-stream${encoding ? `${CRLF}Content-Transfer-Encoding: ${encoding}` : ''}${CRLF}${CRLF}`;
          const fill = 65536 + shift - head.length - before.length - 2;
          const body = ('QUJD'.repeat(19) + CRLF).repeat(Math.floor(fill / 78)) + 'Q'.repeat(fill % 78);
          if (await agrees(Buffer.from(head + body + tail(before)), `shift ${shift}, ${JSON.stringify(before)}, ${tails.indexOf(tail)}`)) taken++;
        }
      }
    }
    expect(taken).toBe(3 * 3 * 41);
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

  it('takes and agrees on what nodemailer writes with text (alone or with HTML, with or without attachments), in any text encoding', async () => {
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
        attachments: rand() < 0.3 ? attachmentsFor(rand) : undefined,
      })
        .compile()
        .build();
      // nodemailer leaves the text's own line breaks for the SMTP client to make CRLF, as it sends them.
      const raw = Buffer.from(built.toString('latin1').replace(/\r?\n/g, CRLF), 'latin1');
      // Only a message of HTML alone is left to mailparser (it makes the text of it with html-to-text); with
      // attachments, the HTML is a part of a multipart/mixed, and taken.
      const took = await agrees(raw, `nodemailer message ${i}`);
      if (!htmlOnly) expect(took, `nodemailer message ${i}`).toBe(true);
      if (took) taken++;
    }
    expect(taken).toBeGreaterThan(100);
  });

  it('agrees on hand-written shapes and edge cases, and declines what it does not take', async () => {
    const rand = seededRandom(23);
    let taken = 0;
    let declined = 0;
    let attachmentsSeen = 0;
    for (let i = 0; i < 1500; i++) {
      const raw = Buffer.from(randomMessage(rand), 'utf8');
      const fast = await compared(raw, `random message ${i}: ${JSON.stringify(raw.toString('latin1').slice(0, 3000))}`);
      if (fast) {
        taken++;
        attachmentsSeen += fast.attachments.length;
      } else declined++;
    }
    expect(taken).toBeGreaterThan(300);
    expect(declined).toBeGreaterThan(150);
    // Attachments of every kind the generator writes reached the comparison.
    expect(attachmentsSeen).toBeGreaterThan(200);
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
      ['no closing delimiter', alt(plainPart)],
      ['a delimiter with transport padding', alt(`${plainPart}--b ${CRLF}x${CRLF}--b--${CRLF}`)],
      ['a closing delimiter in the preamble', alt(`--b--${CRLF}${plainPart}--b--${CRLF}`)],
      ['a line of the boundary and more', alt(`${plainPart}--bx${CRLF}sig${CRLF}--b--${CRLF}`)],
      ['a part of headers alone', alt(`--b${CRLF}Content-Type: text/plain${CRLF}${plainPart}--b--${CRLF}`)],
      ['an attached message', alt(`${plainPart}--b${CRLF}Content-Type: message/rfc822${CRLF}${CRLF}From: x@y.example${CRLF}${CRLF}hi${CRLF}--b--${CRLF}`)],
      ['multipart/related', Buffer.from(alt(`${plainPart}--b--${CRLF}`).toString().replace('alternative', 'related'))],
      ['HTML beside text in multipart/mixed', Buffer.from(alt(`${plainPart}--b${CRLF}Content-Type: text/html${CRLF}${CRLF}<p>x</p>${CRLF}--b--${CRLF}`).toString().replace('alternative', 'mixed'))],
      ['base64 padding inside', alt(`--b${CRLF}Content-Type: text/plain${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}QQ==${CRLF}QQ==${CRLF}--b--${CRLF}`)],
    ];
    for (const [why, raw] of declines) expect(fastParse(raw), why).toBeNull();
  });

  it('takes the edges it knows, and agrees on them', async () => {
    const mixed = (body: string) => Buffer.from(`From: a@x.example${CRLF}Content-Type: multipart/mixed; boundary=m${CRLF}${CRLF}${body}--m--${CRLF}`);
    const cases: [string, Buffer][] = [
      // The nested closing line runs into the outer delimiter: the line break between them is the delimiter's.
      ['a nested multipart closed right before the outer delimiter', mixed(`--m${CRLF}Content-Type: multipart/alternative; boundary=a${CRLF}${CRLF}--a${CRLF}${CRLF}hi${CRLF}--a--${CRLF}--m${CRLF}Content-Type: image/png${CRLF}${CRLF}x${CRLF}`)],
      // An empty HTML part still counts as HTML: the text beside it adds an empty HTML reading, and no HTML results.
      ['text beside an empty HTML part', mixed(`--m${CRLF}Content-Type: text/plain${CRLF}${CRLF}hi${CRLF}--m${CRLF}Content-Type: text/html${CRLF}${CRLF}`)],
      ['an attachment named only by its extension', mixed(`--m${CRLF}Content-Type: application/octet-stream; name=scan.png${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}iVBORw0KGgo=${CRLF}`)],
    ];
    for (const [why, raw] of cases) expect(await agrees(raw, why), why).toBe(true);
  });
});

/** Attachments as nodemailer is handed them: binary and text, named (some in Korean) and not. */
function attachmentsFor(rand: () => number): { filename?: string; content: Buffer; contentType?: string; contentDisposition?: 'inline' | 'attachment' }[] {
  const out = [];
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    const content = Buffer.from(Array.from({ length: Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256)));
    out.push({
      filename: pickOf(rand, [undefined, 'photo.jpg', '견적서.pdf', 'notes.txt', 'data.bin', 'a "quoted" name.png']),
      content,
      contentType: pickOf(rand, [undefined, 'image/png', 'application/octet-stream', 'text/plain', 'application/pdf']),
      contentDisposition: pickOf(rand, [undefined, 'inline', 'attachment'] as const),
    });
  }
  return out;
}

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

/** An attachment part as clients write them: base64 mostly, with a name in one of the ways names are written. */
function attachmentPart(rand: () => number): string {
  const type = pickOf(rand, ['image/png', 'application/pdf', 'application/octet-stream', 'text/plain', 'text/csv', 'image/jpeg']);
  const name = pickOf(rand, ['', 'photo.jpg', 'report.pdf', 'notes.txt', 'data.bin', 'scan.PNG']);
  const lines = [`Content-Type: ${type}${name && rand() < 0.5 ? `; name="${name}"` : ''}`];
  const disposition = pickOf(rand, ['attachment', 'inline', '', 'ATTACHMENT']);
  if (disposition || name) {
    const filename = name && rand() < 0.7 ? pickOf(rand, [`; filename="${name}"`, `; filename*=UTF-8''%EA%B2%AC%EC%A0%81%EC%84%9C.pdf`, `; filename="=?UTF-8?B?6rKs7KCB7ISc?=.pdf"`]) : '';
    lines.push(`Content-Disposition: ${disposition || 'attachment'}${filename}`);
  }
  if (rand() < 0.2) lines.push(`Content-ID: <${pickOf(rand, ['img1@x.example', ' spaced@x ', 'nobrackets@x'])}>`);
  const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 2000) }, () => Math.floor(rand() * 256)));
  const encoding = pickOf(rand, ['base64', 'base64', 'quoted-printable', '7bit', undefined]);
  if (encoding) lines.push(`Content-Transfer-Encoding: ${encoding}`);
  let body: string;
  if (encoding === 'base64') body = (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
  else body = words(rand, Math.floor(rand() * 30)).replace(/\r?\n/g, CRLF);
  return `${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
}

/** multipart/alternative of text/plain and text/html, as a part of its own. */
function alternativePart(rand: () => number): string {
  const boundary = pickOf(rand, ['alt1', '=_alt_=', '0000alt']);
  const parts: string[] = [];
  for (const type of ['text/plain', 'text/html']) {
    const { cte, body } = encodedBody(rand, type === 'text/html' ? `<p>${words(rand, 10)}</p>` : words(rand, 20));
    parts.push(`${textPartHead(rand, type, cte).join(CRLF)}${CRLF}${CRLF}${body}`);
  }
  return `Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}${CRLF}${parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('')}--${boundary}--${rand() < 0.5 ? CRLF : ''}`;
}

function randomMessage(rand: () => number): string {
  const head = rootHeaders(rand);
  let out: string;
  if (rand() < 0.35) {
    const parts = [rand() < 0.6 ? alternativePart(rand) : `${textPartHead(rand, 'text/plain', undefined).join(CRLF)}${CRLF}${CRLF}${words(rand, 20).replace(/\r?\n/g, CRLF)}`];
    for (let n = Math.floor(rand() * 4); n > 0; n--) parts.push(attachmentPart(rand));
    head.push('Content-Type: multipart/mixed; boundary="mix_1"');
    out = `${head.join(CRLF)}${CRLF}${CRLF}${parts.map((p) => `--mix_1${CRLF}${p}${CRLF}`).join('')}--mix_1--${CRLF}`;
  } else if (rand() < 0.4) {
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
