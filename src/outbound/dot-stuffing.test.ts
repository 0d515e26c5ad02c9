import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { SmtpSink } from '../../test/helpers/smtp-sink.js';
import { dataStreamPrototype, fastDotStuff, flushDotStuffed, useFastDotStuffing, type DataStreamState } from './dot-stuffing.js';

interface Stuffer {
  transform: typeof fastDotStuff;
  flush: typeof flushDotStuffed;
}
const fast: Stuffer = { transform: fastDotStuff, flush: flushDotStuffed };

/** Runs a DataStream's transform over chunks, then its flush; returns the output, the pushes and the counters. */
function run(stuffer: Stuffer, chunks: Buffer[]) {
  const out: Buffer[] = [];
  const state: DataStreamState = { inByteCount: 0, outByteCount: 0, lastByte: false, push: (b) => out.push(b) > 0 };
  for (const chunk of chunks) {
    let called = 0;
    stuffer.transform.call(state, chunk, 'buffer' as BufferEncoding, () => called++);
    expect(called).toBe(1);
  }
  const beforeFlush = { inByteCount: state.inByteCount, outByteCount: state.outByteCount, lastByte: state.lastByte };
  let flushed = 0;
  stuffer.flush.call(state, () => flushed++);
  expect(flushed).toBe(1);
  return { bytes: Buffer.concat(out), pushes: out.length, beforeFlush, outByteCount: state.outByteCount };
}

/** What both produce; how many pushes it took differs by design. */
const result = ({ pushes: _, ...rest }: ReturnType<typeof run>) => rest;

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
    expect(dataStreamPrototype()._flush).toBe(flushDotStuffed);
    expect(original.transform).not.toBe(fastDotStuff);
    expect(original.flush).not.toBe(flushDotStuffed);
    // Installing twice keeps nodemailer's own as the original.
    expect(useFastDotStuffing()).toBe(original);
  });

  it('gives the bytes and counters of nodemailer DataStream for random input in random chunks', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const chunks = sample(seed);
      expect(result(run(fast, chunks)), `seed ${seed}`).toEqual(result(run(original, chunks)));
    }
  });

  it('sends a message that came in one chunk, and its terminating dot, in one push (one write to the socket)', () => {
    for (const body of ['a\r\nb\r\n', 'a\r\n.b', 'a\r', '']) {
      const chunks = body ? [Buffer.from(body)] : [];
      const mine = run(fast, chunks);
      expect(mine.pushes, JSON.stringify(body)).toBe(1);
      expect(mine.bytes).toEqual(run(original, chunks).bytes);
    }
    // A large last piece is not copied to join the dot: it goes as it is, the dot after it.
    const large = run(fast, [Buffer.alloc(100_000, 0x61)]);
    expect(large.pushes).toBe(2);
    expect(large.bytes.subarray(-5).toString()).toBe('\r\n.\r\n');
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
      expect(run(fast, input.map((s) => Buffer.from(s))).bytes.toString()).toBe(expected + (expected.endsWith('\r\n') ? '.\r\n' : '\r\n.\r\n'));
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
