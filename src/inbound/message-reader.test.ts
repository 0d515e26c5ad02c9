import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../domain/errors.js';
import { readMessage } from './message-reader.js';

const limits = { maxReceived: 3, loopMarker: 'parley-abc123', maxHeaderBytes: 1024, maxLineLength: 100 };

function stream(chunks: (string | Buffer)[], sizeExceeded = false) {
  const s = Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : c))) as Readable & { sizeExceeded?: boolean };
  s.sizeExceeded = sizeExceeded;
  return s;
}

async function codeOf(chunks: (string | Buffer)[], sizeExceeded = false): Promise<string> {
  try {
    await readMessage(stream(chunks, sizeExceeded), limits);
    return 'accepted';
  } catch (err) {
    if (isParleyError(err)) return `${err.smtp?.code} ${err.smtp?.enhanced} ${err.code}`;
    throw err;
  }
}

describe('readMessage', () => {
  it('when lines end in CRLF, then the bytes come back unchanged, across chunk boundaries', async () => {
    const chunks = ['Subject: hi\r', '\n\r\nbody line\r\n', 'end\r\n'];
    const read = await readMessage(stream(chunks), limits);
    expect(read.raw.toString()).toBe(chunks.join(''));
  });

  it.each([
    ['bare LF', ['Subject: x\r\n\r\nline\nmore\r\n']],
    ['bare CR', ['Subject: x\r\n\r\nline\rmore\r\n']],
    ['NUL', ['Subject: x\r\n\r\nli\0ne\r\n']],
    ['<LF>.<LF> smuggling', ['Subject: x\r\n\r\nhi\n.\nMAIL FROM:<a@b>\r\n']],
    ['<CR>.<CR> smuggling', ['Subject: x\r\n\r\nhi\r.\rMAIL FROM:<a@b>\r\n']],
    ['<LF>.<CR><LF> smuggling', ['Subject: x\r\n\r\nhi\n.\r\nMAIL FROM:<a@b>\r\n']],
    ['<CR><LF>.<LF> smuggling', ['Subject: x\r\n\r\nhi\r\n.\nMAIL FROM:<a@b>\r\n']],
    ['bare LF at a chunk start', ['Subject: x\r\n\r\nabc', '\ndef\r\n']],
    ['bare CR at a chunk end', ['Subject: x\r\n\r\nabc\r', 'def\r\n']],
    ['bare CR at the very end', ['Subject: x\r\n\r\nabc\r']],
  ])('when the message has %s, then 550 5.6.0', async (_name, chunks) => {
    expect(await codeOf(chunks)).toBe('550 5.6.0 bad_line_endings');
  });

  it('when the stream exceeded SIZE, then 552 5.3.4', async () => {
    expect(await codeOf(['Subject: x\r\n\r\nbody\r\n'], true)).toBe('552 5.3.4 message_too_big');
  });

  it('when there are more Received headers than allowed, then 554 5.4.6', async () => {
    const header = 'Received: from a\r\n'.repeat(4);
    expect(await codeOf([`${header}Subject: x\r\n\r\nbody\r\n`])).toBe('554 5.4.6 mail_loop');
    expect(await codeOf([`${'Received: from a\r\n'.repeat(3)}Subject: x\r\n\r\nbody\r\n`])).toBe('accepted');
  });

  it('when our own trace marker is in the header, then 554 5.4.6; in the body it is just text', async () => {
    expect(await codeOf(['Received: by relay.test (parley-abc123) with ESMTP id x;\r\n d\r\nSubject: x\r\n\r\nbody\r\n'])).toBe('554 5.4.6 mail_loop');
    expect(await codeOf(['Subject: x\r\n\r\nparley-abc123\r\n'])).toBe('accepted');
  });

  it('when the header block is larger than the limit, then 552 5.3.4 naming the limit', async () => {
    const big = `X-Big: ${'a'.repeat(90)}\r\n`.repeat(12);
    expect(await codeOf([`${big}\r\nbody\r\n`])).toBe('552 5.3.4 header_too_big');
    await expect(readMessage(stream([`${big}\r\nbody\r\n`]), limits)).rejects.toMatchObject({ smtpText: 'Message header section is larger than 1024 bytes' });
  });

  it('when a line is exactly the limit, then it is read; one character more, in the header or the body, is 554 5.6.0', async () => {
    const at = 'x'.repeat(100);
    expect(await codeOf([`Subject: x\r\n\r\n${at}\r\n`])).toBe('accepted');
    expect(await codeOf([`Subject: x\r\n\r\n${at}x\r\n`])).toBe('554 5.6.0 line_too_long');
    expect(await codeOf([`Subject: ${at}\r\n\r\nbody\r\n`])).toBe('554 5.6.0 line_too_long');
    await expect(readMessage(stream([`S: x\r\n\r\n${at}x\r\n`]), limits)).rejects.toMatchObject({
      smtpText: 'Message has a line longer than 100 characters; lines must be at most 100 characters plus CRLF',
    });
  });

  it('when a long line is split across chunks, then its length is counted across them, CR before LF included', async () => {
    expect(await codeOf(['Subject: x\r\n\r\n', 'x'.repeat(60), 'x'.repeat(40), '\r', '\nnext\r\n'])).toBe('accepted');
    expect(await codeOf(['Subject: x\r\n\r\n', 'x'.repeat(60), 'x'.repeat(41), '\r\n'])).toBe('554 5.6.0 line_too_long');
    expect(await codeOf(['Subject: x\r\n\r\n', ...Array.from({ length: 50 }, () => 'x'.repeat(60))])).toBe('554 5.6.0 line_too_long');
  });

  it('when a 1 MB body arrives in small chunks, then it is read whole', async () => {
    const line = `${'x'.repeat(76)}\r\n`;
    const chunks = ['Subject: big\r\n\r\n', ...Array.from({ length: 13_000 }, () => line)];
    const read = await readMessage(stream(chunks), limits);
    expect(read.raw.length).toBe(chunks.join('').length);
  });
});
