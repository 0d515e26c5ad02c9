import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { composeMessage, mimeTree, type ComposeInput } from '../../src/pipeline/compose-message.js';
import { planMessage } from '../../src/pipeline/mime-plan.js';
import { serializeMessage } from '../../src/pipeline/mime-serialize.js';
import { parseMessage } from '../../src/pipeline/parse-message.js';
import { seededRandom } from '../helpers/seeded-random.js';

const fixtures = new URL('../fixtures/messages/', import.meta.url);
const toCrlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

async function inputFor(raw: Buffer, extra: Partial<ComposeInput> = {}): Promise<ComposeInput> {
  const parsed = await parseMessage(raw);
  return {
    parsed,
    from: { name: '한옥 공방 Blue "Kettle"', address: 'k5zq3n7vt2xw4y6abcdefghijk@relay.example' },
    to: 'jiwoo.kim@buyer.example',
    messageId: '<abcdefghijklmnop@relay.example>',
    boundary: 'qrstuvwxyz234567',
    thread: { inReplyTo: '<prev@relay.example>', references: ['<a@relay.example>', '<prev@relay.example>'] },
    date: new Date(Date.UTC(2026, 10, 23, 10, 0, 0)),
    content: { subject: parsed.mail.subject ?? '', text: parsed.mail.text, html: parsed.mail.html || undefined },
    ...extra,
  };
}

/** A message as a sender's client would write it (nodemailer here), to be parsed and rebuilt. */
async function written(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer({ from: 'Jiwoo <jiwoo.kim@gmail.example>', to: 'x@relay.example', subject: 'Order #1042', ...options }).compile().build();
}

/** What nodemailer's MailComposer and streaming build() make of the same input: the reference the one-pass bytes must equal. */
async function streamed(input: ComposeInput): Promise<Buffer> {
  return mimeTree(input).build();
}

/** The one-pass bytes, and nodemailer's, as latin1 text so a mismatch shows as a readable diff. */
async function both(input: ComposeInput): Promise<[string, string]> {
  return [serializeMessage(planMessage(input), input.boundary).toString('latin1'), (await streamed(input)).toString('latin1')];
}

const cases: [string, () => Promise<Buffer>][] = [
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith('.eml') && !f.endsWith('.expected.eml'))
    .map((f): [string, () => Promise<Buffer>] => [`fixture ${f}`, async () => Buffer.from(toCrlf(readFileSync(new URL(f, fixtures), 'utf8')))]),
  ['plain ASCII text only', () => written({ text: 'Hello,\nis the kettle still available?\n\nThanks' })],
  ['long lines and trailing spaces', () => written({ text: `${'word '.repeat(60)}\nend with spaces   \nend with tab\t\n\tindented` })],
  ['Korean text and HTML', () => written({ subject: '주문 문의 #1042', text: '안녕하세요, 배송은 언제 되나요?\r\n감사합니다.', html: '<p>안녕하세요, <b>배송</b>은 언제 되나요?</p>' })],
  ['bare CR and bare LF in text', () => written({ text: 'one\rtwo\nthree\r\nfour', html: '<div>a\rb\nc</div>' })],
  ['HTML only', () => written({ html: `<table>${'<tr><td>cell</td></tr>'.repeat(200)}</table>` })],
  ['empty body', () => written({ text: '' })],
  [
    'inline image, binary and text attachments, an empty one',
    () =>
      written({
        text: 'see the photo',
        html: '<p>photo: <img src="cid:photo1@example"></p>',
        attachments: [
          { filename: 'photo.png', content: randomBytes(30_000), contentType: 'image/png', cid: 'photo1@example' },
          { filename: 'invoice.pdf', content: randomBytes(100_001), contentType: 'application/pdf' },
          { filename: 'rows.csv', content: 'sku,qty\nA-1,2\r\nB-2,3\rC', contentType: 'text/csv' },
          { filename: 'empty.bin', content: Buffer.alloc(0), contentType: 'application/octet-stream' },
          { filename: '영수증.txt', content: '금액: 35,000원\n', contentType: 'text/plain; charset=utf-8' },
        ],
      }),
  ],
  [
    'attached message',
    async () =>
      written({
        text: 'forwarding the carrier notice',
        attachments: [{ filename: 'notice.eml', content: await written({ text: 'Your parcel ships today.' }), contentType: 'message/rfc822' }],
      }),
  ],
];

describe('one-pass MIME serialisation', () => {
  for (const [name, make] of cases) {
    it(`when the message is ${name}, then the bytes equal nodemailer's streaming build`, async () => {
      const input = await inputFor(await make(), { policyTags: ['marketing-tag'], autoSubmitted: name.includes('HTML') ? 'auto-replied' : undefined });
      const [oneBuffer, reference] = await both(input);
      expect(oneBuffer).toBe(reference);
      expect((await composeMessage(input)).toString('latin1')).toBe(reference);
    });
  }

  it('when the attachments are larger than the one-pass limit, then either way gives the same bytes (the limit only bounds memory)', async () => {
    const raw = await written({ text: 'big', attachments: [{ filename: 'scan.tif', content: randomBytes(1024 * 1024 + 1), contentType: 'image/tiff' }] });
    const input = await inputFor(raw);
    const composed = await composeMessage(input);
    expect(serializeMessage(planMessage(input), input.boundary)).toEqual(composed);
    expect(composed.subarray(-200).toString('latin1')).toMatch(/--\r\n$/);
  });

  const headerCases: [string, Partial<ComposeInput>][] = [
    ['a plain ASCII sender name', { from: { name: 'Blue Kettle', address: 'k5zq3n7vt2xw4y6abcdefghijk@relay.example' } }],
    ['an empty sender name', { from: { name: '', address: 'k5zq3n7vt2xw4y6abcdefghijk@relay.example' } }],
    ['a sender name with quotes, a backslash and a semicolon', { from: { name: 'Kim "the \\ Kettle"; Shop', address: 'a@relay.example' } }],
    ['a long Korean sender name', { from: { name: '한옥 공방 '.repeat(12), address: 'a@relay.example' } }],
    ['a recipient with an upper-case domain and a plus tag', { to: 'Jiwoo.Kim+shop@Buyer.EXAMPLE' }],
    ['a recipient with a quoted local part', { to: '"jiwoo kim"@buyer.example' }],
    ['a recipient with an apostrophe', { to: "o'neil@buyer.example" }],
    ['a recipient on an internationalised domain', { to: 'jiwoo@예시.한국' }],
    ['a recipient with a Korean local part', { to: '지우@buyer.example' }],
    ['no thread and no tags', { thread: { inReplyTo: undefined, references: [] }, policyTags: [] }],
    ['many references', { thread: { inReplyTo: '<r9@relay.example>', references: Array.from({ length: 12 }, (_, i) => `<ref-${i}-${'x'.repeat(20)}@relay.example>`) } }],
    ['ids without angle brackets', { messageId: 'bare-id@relay.example', thread: { inReplyTo: 'prev@relay.example', references: ['a@relay.example b@relay.example'] } }],
  ];
  for (const [name, extra] of headerCases) {
    it(`when the headers have ${name}, then the bytes equal nodemailer's`, async () => {
      const input = await inputFor(await written({ text: 'Hello', html: '<p>Hello</p>' }), extra);
      const [oneBuffer, reference] = await both(input);
      expect(oneBuffer).toBe(reference);
    });
  }

  const subjectCases = [
    '',
    'Order #1042',
    `${'a long subject line that keeps going '.repeat(5)}end`,
    '주문 문의: 배송은 언제 되나요? '.repeat(4),
    'mixed 한글 and English with "quotes" =?utf-8?q?looks-encoded?=',
    'control\x01char and\ttab',
    `${'x'.repeat(90)} unbreakable`,
  ];
  for (const subject of subjectCases) {
    it(`when the subject is ${JSON.stringify(subject.slice(0, 30))}, then the bytes equal nodemailer's`, async () => {
      const input = await inputFor(await written({ text: 'Hello' }));
      input.content.subject = subject;
      const [oneBuffer, reference] = await both(input);
      expect(oneBuffer).toBe(reference);
    });
  }

  const layouts: [string, ConstructorParameters<typeof MailComposer>[0], (input: ComposeInput) => void][] = [
    ['one attachment and no text', { attachments: [{ filename: 'a.pdf', content: randomBytes(300), contentType: 'application/pdf' }] }, (i) => Object.assign(i.content, { text: undefined, html: undefined })],
    ['text and one attachment', { text: 'see attached', attachments: [{ filename: 'a.pdf', content: randomBytes(300), contentType: 'application/pdf' }] }, () => undefined],
    ['HTML and an inline image only', { html: '<img src="cid:p1@x">', attachments: [{ filename: 'p.png', content: randomBytes(200), contentType: 'image/png', cid: 'p1@x' }] }, (i) => Object.assign(i.content, { text: undefined })],
    ['text and an inline image but no HTML', { text: 'photo', attachments: [{ filename: 'p.png', content: randomBytes(200), contentType: 'image/png', cid: 'p1@x' }] }, (i) => Object.assign(i.content, { html: undefined })],
    [
      'HTML, an inline image and two attachments',
      {
        text: 'x',
        html: '<img src="cid:p1@x">',
        attachments: [
          { filename: 'p.png', content: randomBytes(200), contentType: 'image/png', cid: 'p1@x' },
          { filename: 'a.pdf', content: randomBytes(300), contentType: 'application/pdf' },
          { filename: 'b.zip', content: randomBytes(300), contentType: 'application/zip' },
        ],
      },
      () => undefined,
    ],
    [
      'attachments without file names, one of them a message',
      {
        text: 'x',
        attachments: [
          { filename: 'a.pdf', content: randomBytes(300), contentType: 'application/pdf' },
          { filename: 'm.eml', content: 'Subject: hi\r\n\r\n안녕\r\n', contentType: 'message/rfc822' },
        ],
      },
      (i) => i.parsed.mail.attachments.forEach((a) => Object.assign(a, { filename: undefined })),
    ],
    [
      'file names that need quoting or encoding',
      {
        text: 'x',
        attachments: ['견적서 (최종).pdf', 'a;b "c".txt', `${'long-name-'.repeat(12)}.pdf`, '-dash.txt', 'tab\there.txt', 'plain.txt'].map((filename) => ({
          filename,
          content: randomBytes(50),
          contentType: 'application/octet-stream',
        })),
      },
      () => undefined,
    ],
    ['text with a long line', { text: `${'y'.repeat(200)}\nshort` }, () => undefined],
    ['Latin text with a few accents', { text: 'Café crème, déjà vu — naïve façade.', html: '<p>Café crème</p>' }, () => undefined],
    ['empty text', { text: 'x' }, (i) => Object.assign(i.content, { text: '', html: undefined })],
  ];
  for (const [name, options, edit] of layouts) {
    it(`when the message has ${name}, then the bytes equal nodemailer's`, async () => {
      const input = await inputFor(await written(options));
      edit(input);
      const [oneBuffer, reference] = await both(input);
      expect(oneBuffer).toBe(reference);
    });
  }

  it("when names, subjects and file names are drawn at random (seeded), then every message's bytes equal nodemailer's", async () => {
    const rand = seededRandom(20261204);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const words = ['order', '주문', 'kettle', '배송', '"quoted"', 'café', 'a;b', '=?x?=', '(c)', 'x'.repeat(40), '안녕하세요', '\\', '-', 'Ünïcödé'];
    const phrase = () => Array.from({ length: 1 + Math.floor(rand() * 12) }, () => pick(words)).join(pick([' ', '', '  ']));
    const raw = await written({ text: 'x', attachments: [{ filename: 'a.bin', content: randomBytes(40), contentType: 'application/octet-stream' }] });
    for (let n = 0; n < 150; n++) {
      const input = await inputFor(raw, { from: { name: phrase(), address: 'a@relay.example' }, policyTags: rand() < 0.5 ? [] : ['t1', 't2'] });
      input.content.subject = phrase();
      input.content.text = rand() < 0.8 ? phrase() : undefined;
      input.content.html = rand() < 0.5 ? `<p>${phrase()}</p>` : undefined;
      Object.assign(input.parsed.mail.attachments[0]!, { filename: rand() < 0.1 ? undefined : `${phrase()}.bin` });
      const [oneBuffer, reference] = await both(input);
      expect(oneBuffer, `draw ${n}`).toBe(reference);
    }
  });
});
