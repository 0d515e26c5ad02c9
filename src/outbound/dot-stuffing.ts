import { PassThrough, type TransformCallback } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

/**
 * nodemailer sends every message through its DataStream, which escapes dots at line starts and turns bare CR
 * and bare LF into CRLF (so "\r.\r" can never end the data early: SMTP smuggling). Its _transform looks at the
 * message one byte at a time in JavaScript: 0.43 ms per 100 KB message here, 5 % of the CPU a 100 KB message
 * costs the relay. The same rule needs to look only where a CR or LF is, which native indexOf finds.
 *
 * This replaces DataStream.prototype._transform with fastDotStuff below, which produces the same bytes and the
 * same counters for any input split into any chunks (src/outbound/dot-stuffing.test.ts compares the two on
 * random input). DataStream is not exported; its class is read off the stream a connection creates for DATA.
 *
 * It also holds each output chunk back until the next one or the end, so the last one leaves together with the
 * terminating dot: nodemailer pipes the stream into the socket, and every push is a write of its own — for a
 * small message, the body and ".\r\n" were two writes (two wakeups of the far end) where one does.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
// The bytes DataStream inserts, shared: they are only ever copied by Buffer.concat.
const INSERT_LF = Buffer.from('\n');
const INSERT_LF_DOT = Buffer.from('\n.');
const INSERT_CR = Buffer.from('\r');
const INSERT_DOT = Buffer.from('.');
const END_AFTER_LF = Buffer.from('.\r\n');
const END_AFTER_CR = Buffer.from('\n.\r\n');
const END_AFTER_TEXT = Buffer.from('\r\n.\r\n');

/** The state DataStream keeps between chunks, and the push it hands its output to. */
export interface DataStreamState {
  inByteCount: number;
  outByteCount: number;
  /** The previous chunk's last byte; false before the first byte (the start of the data is a line start). */
  lastByte: number | false;
  /** Output not yet pushed: it waits for the next chunk or the terminator. */
  held?: Buffer | undefined;
  push(chunk: Buffer): boolean;
}

/** Above this, the held chunk and the terminator are pushed as they are rather than copied into one. */
const JOIN_TERMINATOR_MAX = 64 * 1024;

function hold(state: DataStreamState, out: Buffer): void {
  if (state.held) state.push(state.held);
  state.held = out;
}

/** DataStream's rule for the byte at i: what goes in front of it, if anything. */
function insertAt(chunk: Buffer, i: number, lastByte: number | false): Buffer | undefined {
  const byte = chunk[i];
  const prev = i > 0 ? chunk[i - 1] : lastByte;
  if (prev === CR && byte !== LF) return byte === DOT ? INSERT_LF_DOT : INSERT_LF;
  if (byte === LF && prev !== CR) return INSERT_CR;
  if (byte === DOT && (prev === LF || prev === false)) return INSERT_DOT;
  return undefined;
}

/**
 * DataStream's _transform. The rule can only insert in front of a LF, of the byte after a CR or LF, or of the
 * chunk's first byte (whose predecessor ended the last chunk): only those positions are looked at.
 */
export function fastDotStuff(this: DataStreamState, input: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
  if (!input || !input.length) return done();
  const chunk = typeof input === 'string' ? Buffer.from(input) : input;
  this.inByteCount += chunk.length;
  // Each position has one predecessor, so at most one of the rule's three cases applies to it.
  const inserts: [at: number, bytes: Buffer][] = [];
  const first = insertAt(chunk, 0, this.lastByte);
  // A LF at 0 is the LF loop's.
  if (first && chunk[0] !== LF) inserts.push([0, first]);
  for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
    if ((lf > 0 ? chunk[lf - 1] : this.lastByte) !== CR) inserts.push([lf, INSERT_CR]);
    if (chunk[lf + 1] === DOT) inserts.push([lf + 1, INSERT_DOT]);
  }
  let bareCr = false;
  // A CR at the end is decided with the next chunk's first byte.
  for (let cr = chunk.indexOf(CR); cr !== -1 && cr + 1 < chunk.length; cr = chunk.indexOf(CR, cr + 1)) {
    const next = chunk[cr + 1];
    if (next === LF) continue;
    inserts.push([cr + 1, next === DOT ? INSERT_LF_DOT : INSERT_LF]);
    bareCr = true;
  }
  // Bare CRs are rare: only then are the two loops' positions interleaved.
  if (bareCr) inserts.sort((a, b) => a[0] - b[0]);
  if (inserts.length === 0) {
    this.outByteCount += chunk.length;
    hold(this, chunk);
  } else {
    const pieces: Buffer[] = [];
    let from = 0;
    let outLength = chunk.length;
    for (const [at, bytes] of inserts) {
      if (at > from) pieces.push(chunk.subarray(from, at));
      pieces.push(bytes);
      outLength += bytes.length;
      from = at;
    }
    if (from < chunk.length) pieces.push(chunk.subarray(from));
    this.outByteCount += outLength;
    hold(this, Buffer.concat(pieces, outLength));
  }
  this.lastByte = chunk[chunk.length - 1]!;
  done();
}

/** DataStream's _flush: the terminating dot, on a line of its own, after whatever output is still held. */
export function flushDotStuffed(this: DataStreamState, done: TransformCallback): void {
  const end = this.lastByte === LF ? END_AFTER_LF : this.lastByte === CR ? END_AFTER_CR : END_AFTER_TEXT;
  this.outByteCount += end.length;
  const held = this.held;
  this.held = undefined;
  if (held && held.length <= JOIN_TERMINATOR_MAX) this.push(Buffer.concat([held, end], held.length + end.length));
  else {
    if (held) this.push(held);
    this.push(end);
  }
  done();
}

type TransformFn = (this: DataStreamState, chunk: Buffer | string, encoding: BufferEncoding, done: TransformCallback) => void;
type FlushFn = (this: DataStreamState, done: TransformCallback) => void;

/** nodemailer's DataStream prototype, taken from the stream an unconnected SMTPConnection makes for DATA. */
export function dataStreamPrototype(): { _transform: TransformFn; _flush: FlushFn } {
  const connection = new SMTPConnection({}) as unknown as {
    _envelope: object;
    _socket: PassThrough;
    _responseActions: unknown[];
    _createSendStream(callback: () => void): object;
  };
  connection._envelope = {};
  connection._socket = new PassThrough();
  connection._responseActions = [];
  const stream = connection._createSendStream(() => undefined);
  const proto = Object.getPrototypeOf(stream) as { _transform?: unknown; _flush?: unknown; constructor: { name: string } };
  if (proto.constructor.name !== 'DataStream' || typeof proto._transform !== 'function' || typeof proto._flush !== 'function') {
    throw new Error(`nodemailer's DATA stream is a ${proto.constructor.name}, not the DataStream this module replaces the transform of`);
  }
  return proto as { _transform: TransformFn; _flush: FlushFn };
}

let original: { transform: TransformFn; flush: FlushFn } | undefined;

/** Installs fastDotStuff once per process; returns nodemailer's own transform and flush (the tests compare them). */
export function useFastDotStuffing(): { transform: TransformFn; flush: FlushFn } {
  if (original) return original;
  const proto = dataStreamPrototype();
  original = { transform: proto._transform, flush: proto._flush };
  proto._transform = fastDotStuff;
  proto._flush = flushDotStuffed;
  return original;
}
