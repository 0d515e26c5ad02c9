import { describe, expect, it } from 'vitest';
import type { ScanInput } from './scan.js';
import { extractSegments } from './segments.js';

const input = (over: Partial<ScanInput>): ScanInput => ({
  direction: 'seller_to_buyer',
  sellerId: 's',
  day: '2026-11-23',
  aliasDomain: 'relay.test',
  subject: 'Subject',
  displayNames: [],
  attachments: [],
  headers: new Map(),
  knownAddresses: [],
  ...over,
});
const eml = (body: string, extraHeaders = '') =>
  Buffer.from(`From: Kim <kim@daum.net>\r\nTo: shop@x.org\r\nSubject: Inner\r\n${extraHeaders}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);

describe('extractSegments', () => {
  it('when a message has subject, display names, text and HTML, then each is a segment named by its part', async () => {
    const { segments } = await extractSegments(input({ displayNames: ['Ann'], text: 'hi', html: '<a href="x" title="t">hi</a>' }));
    expect(segments.map((s) => [s.part, s.origin, s.maskable])).toEqual([
      ['subject', 'subject', true],
      ['display-name[0]', 'display-name', true],
      ['text', 'body', true],
      ['html', 'html-body', true],
      ['html', 'html-attribute', true],
      ['html', 'html-attribute', true],
      ['html.rendered', 'html-rendered', false],
    ]);
  });

  it('when attachments are text-like (by type or extension), then their content and file names are read; binaries only by name', async () => {
    const { segments } = await extractSegments(
      input({
        attachments: [
          { filename: 'card.vcf', contentType: 'text/vcard', content: Buffer.from('EMAIL:a@b.kr') },
          { filename: 'notes.txt', contentType: 'application/octet-stream', content: Buffer.from('call 010') },
          { filename: 'photo.jpg', contentType: 'image/jpeg', content: Buffer.from([0xff, 0xd8]) },
          { contentType: 'text/csv', content: Buffer.from('\ufeffa,b') },
        ],
      }),
    );
    expect(segments.slice(1).map((s) => [s.part, s.text])).toEqual([
      ['attachment-name[0]', 'card.vcf'],
      ['attachment[0]', 'EMAIL:a@b.kr'],
      ['attachment-name[1]', 'notes.txt'],
      ['attachment[1]', 'call 010'],
      ['attachment-name[2]', 'photo.jpg'],
      ['attachment[3]', 'a,b'],
    ]);
  });

  it('when a message is attached, then its headers, subject and body are read, recursively', async () => {
    const inner = eml('inner body');
    const outer = Buffer.from(
      `From: a@b.kr\r\nSubject: Outer\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nouter body\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\n${inner.toString()}\r\n--XX--\r\n`,
    );
    const { segments } = await extractSegments(input({ attachments: [{ filename: 'fwd.eml', contentType: 'message/rfc822', content: outer }] }));
    const texts = new Map(segments.map((s) => [s.part, s.text]));
    expect(texts.get('attachment[0]/header:from')).toContain('a@b.kr');
    expect(texts.get('attachment[0]/text')).toContain('outer body');
    const nested = [...texts].find(([part, text]) => part.startsWith('attachment[0]/attachment[') && text.includes('inner body'));
    expect(nested).toBeDefined();
  });

  it('when a text attachment is UTF-16 with a byte-order mark, then it is decoded', async () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('메일 a@b.kr', 'utf16le')]);
    const { segments } = await extractSegments(input({ attachments: [{ contentType: 'text/plain', content }] }));
    expect(segments[1]!.text).toBe('메일 a@b.kr');
  });
});
