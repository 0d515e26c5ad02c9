import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { SmtpSink } from '../../test/helpers/smtp-sink.js';
import { dataStreamPrototype, fastDotStuff, useFastDotStuffing, type DataStreamState } from './dot-stuffing.js';

type Transform = typeof fastDotStuff;

/** Runs a DataStream transform over chunks; returns the output and the counters it kept. */
function run(transform: Transform, chunks: Buffer[]) {
  const out: Buffer[] = [];
  const state: DataStreamState = { inByteCount: 0, outByteCount: 0, lastByte: false, push: (b) => out.push(b) > 0 };
  for (const chunk of chunks) {
    let called = 0;
    transform.call(state, chunk, 'buffer' as BufferEncoding, () => called++);
    expect(called).toBe(1);
  }
  return { bytes: Buffer.concat(out), inByteCount: state.inByteCount, outByteCount: state.outByteCount, lastByte: state.lastByte };
}

/** Bytes drawn mostly from the ones the rule is about, split at random points; the seed reproduces a failure. */
function sample(seed: number): Buffer[] {
  const rnd = seededRandom(seed);
  const alphabet = [0x0d, 0x0a, 0x2e, 0x61, 0x0d, 0x0a, 0x2e];
  const bytes = Buffer.alloc(Math.floor(rnd() * 200));
  for (let i = 0; i < bytes.length; i++) bytes[i] = alphabet[Math.floor(rnd() * alphabet.length)]!;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(rnd() * 12);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

describe('fast dot-stuffing', () => {
  const original = useFastDotStuffing();

  it('is installed on nodemailer DataStream', () => {
    expect(dataStreamPrototype()._transform).toBe(fastDotStuff);
    expect(original).not.toBe(fastDotStuff);
    // Installing twice keeps nodemailer's own as the original.
    expect(useFastDotStuffing()).toBe(original);
  });

  it('gives the bytes and counters of nodemailer DataStream for random input in random chunks', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const chunks = sample(seed);
      expect(run(fastDotStuff, chunks), `seed ${seed}`).toEqual(run(original, chunks));
    }
  });

  it('stuffs what SMTP needs stuffed', () => {
    const cases: [string[], string][] = [
      [['.a\r\n..b\r\nc.\r\n'], '..a\r\n...b\r\nc.\r\n'],
      [['a\r', '.b'], 'a\r\n..b'],
      [['a\n.b\rc'], 'a\r\n..b\r\nc'],
      [['a\r\n', '.', '\r\n'], 'a\r\n..\r\n'],
      [['x'.repeat(70000) + '\r\n.end'], 'x'.repeat(70000) + '\r\n..end'],
    ];
    for (const [input, expected] of cases) {
      expect(run(fastDotStuff, input.map((s) => Buffer.from(s))).bytes.toString()).toBe(expected);
    }
  });

  it('is what a pooled nodemailer connection sends, and a real SMTP server reads back', async () => {
    // smtp-server takes the stuffing off again: lines that start with dots, a lone dot (which unstuffed would
    // end the data early) and a bare LF (which becomes CRLF) arrive as the message means them.
    const sink = new SmtpSink();
    const port = await sink.start();
    const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true });
    try {
      await transport.sendMail({ envelope: { from: 'a@x.test', to: ['b@y.test'] }, raw: 'Subject: t\r\n\r\n.one\r\n.\r\nbare\nlf\r\n..two\r\n' });
      expect(sink.received.map((r) => r.raw.toString('latin1'))).toEqual(['Subject: t\r\n\r\n.one\r\n.\r\nbare\r\nlf\r\n..two\r\n']);
    } finally {
      transport.close();
      await sink.stop();
    }
  });
});
