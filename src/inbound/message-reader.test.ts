import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../domain/errors.js';
import { readMessage } from './message-reader.js';

const limits = { maxReceived: 3, loopMarker: 'parley-abc123', maxHeaderBytes: 1024 };

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

  it('when the header block is larger than the limit, then 552', async () => {
    expect(await codeOf([`X-Big: ${'a'.repeat(2000)}\r\n\r\nbody\r\n`])).toBe('552 5.3.4 message_too_big');
  });

  it('when a 1 MB body arrives in small chunks, then it is read whole', async () => {
    const line = `${'x'.repeat(76)}\r\n`;
    const chunks = ['Subject: big\r\n\r\n', ...Array.from({ length: 13_000 }, () => line)];
    const read = await readMessage(stream(chunks), limits);
    expect(read.raw.length).toBe(chunks.join('').length);
  });
});
