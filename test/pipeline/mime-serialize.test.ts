import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { composeMessage, mimeTree, type ComposeInput } from '../../src/pipeline/compose-message.js';
import { serializeMimeTree, type MimeTreeNode } from '../../src/pipeline/mime-serialize.js';
import { parseMessage } from '../../src/pipeline/parse-message.js';

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

/** What nodemailer's streaming build() makes of the same tree: the reference the one-pass output must equal. */
async function streamed(input: ComposeInput): Promise<Buffer> {
  return mimeTree(input, true).build();
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
      const reference = await streamed(input);
      const tree = mimeTree(input, false) as unknown as MimeTreeNode;
      const oneBuffer = serializeMimeTree(tree);
      expect(oneBuffer).not.toBeNull();
      expect(oneBuffer!.toString('latin1')).toBe(reference.toString('latin1'));
      expect(await composeMessage(input)).toEqual(reference);
    });
  }

  it('when the attachments are larger than the one-pass limit, then either way gives the same bytes (the limit only bounds memory)', async () => {
    const raw = await written({ text: 'big', attachments: [{ filename: 'scan.tif', content: randomBytes(1024 * 1024 + 1), contentType: 'image/tiff' }] });
    const input = await inputFor(raw);
    const composed = await composeMessage(input);
    expect(serializeMimeTree(mimeTree(input, false) as unknown as MimeTreeNode)).toEqual(composed);
    expect(composed.subarray(-200).toString('latin1')).toMatch(/--\r\n$/);
  });

  it('when a node has stream content, then the one-pass serialiser declines and leaves the tree untouched', async () => {
    const input = await inputFor(await written({ text: 'x', attachments: [{ filename: 'a.bin', content: randomBytes(10) }] }));
    const tree = mimeTree(input, true) as unknown as MimeTreeNode;
    expect(serializeMimeTree(tree)).toBeNull();
  });
});
