import type { Readable } from 'node:stream';
import { ParleyError } from '../domain/errors.js';

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n');

export interface ReadLimits {
  /** RFC 5321 §6.3 suggests 100 hops; real loops show far fewer. Default 30. */
  maxReceived: number;
  /** Our trace marker: seeing it again in a Received header means the message came back to us. */
  loopMarker: string;
  /** The header block is parsed in memory before anything else; bounded so it cannot be a memory bomb. */
  maxHeaderBytes: number;
  /** Longest line, CRLF not counted: RFC 5321 §4.5.3.1.6 allows 998, and relays may fold or cut longer ones. */
  maxLineLength: number;
}

export interface ReadMessage {
  raw: Buffer;
  receivedCount: number;
}

/**
 * Reads the DATA stream (already dot-unstuffed by smtp-server, which ends DATA only on CRLF.CRLF) and
 * refuses anything a later parser or transport could read differently: bare CR, bare LF and NUL. That
 * also covers every SMTP smuggling sequence (<LF>.<LF>, <CR>.<CR>, <LF>.<CR><LF>, <CR><LF>.<LF>).
 * The stream is always drained, so the client gets a reply to its DATA and the session stays usable.
 */
export async function readMessage(stream: Readable & { sizeExceeded?: boolean }, limits: ReadLimits): Promise<ReadMessage> {
  const chunks: Buffer[] = [];
  let size = 0;
  let fault: ParleyError | undefined;
  let previous = -1; // last byte of the previous chunk
  let pendingCr = false; // previous chunk ended in CR: the next byte must be LF
  let lineSoFar = 0; // bytes of the current line in earlier chunks

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!fault) {
      fault = checkChunk(chunk, previous, pendingCr);
      previous = chunk[chunk.length - 1] ?? previous;
      pendingCr = previous === CR;
    }
    if (!fault) {
      const line = checkLineLengths(chunk, lineSoFar, limits.maxLineLength);
      if (typeof line === 'number') lineSoFar = line;
      else fault = line;
    }
    if (!fault && !stream.sizeExceeded) {
      chunks.push(chunk);
      size += chunk.length;
    }
  }
  if (stream.sizeExceeded) throw new ParleyError('message_too_big');
  if (fault) throw fault;
  if (pendingCr) throw new ParleyError('bad_line_endings');

  const raw = Buffer.concat(chunks, size);
  const headerEnd = raw.indexOf(HEADER_END);
  const headerBytes = headerEnd === -1 ? raw.length : headerEnd + 2;
  if (headerBytes > limits.maxHeaderBytes) {
    const text = `Message header section is larger than ${limits.maxHeaderBytes} bytes`;
    throw new ParleyError('header_too_big', text, { smtpText: text });
  }
  const header = raw.subarray(0, headerBytes).toString('latin1');
  const received = header.match(/^received:/gim) ?? [];
  if (received.length > limits.maxReceived) throw new ParleyError('mail_loop', `${received.length} Received headers`);
  if (header.includes(limits.loopMarker)) throw new ParleyError('mail_loop', 'our own trace marker came back');
  return { raw, receivedCount: received.length };
}

/**
 * Line lengths across chunk boundaries (line endings are already known to be CRLF when this runs). Returns the
 * bytes of the unfinished last line, or the fault. A line is refused as soon as it is too long, so a client
 * streaming one endless line is not buffered to the end.
 */
function checkLineLengths(chunk: Buffer, carried: number, max: number): number | ParleyError {
  let start = 0;
  for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
    // The CR before the LF is not part of the line's length.
    if (carried + lf - start - 1 > max) return lineTooLong(max);
    carried = 0;
    start = lf + 1;
  }
  carried += chunk.length - start;
  // +1: the line may end in a CR whose LF is in the next chunk.
  return carried > max + 1 ? lineTooLong(max) : carried;
}

function lineTooLong(max: number): ParleyError {
  const text = `Message has a line longer than ${max} characters; lines must be at most ${max} characters plus CRLF`;
  return new ParleyError('line_too_long', text, { smtpText: text });
}

function checkChunk(chunk: Buffer, previous: number, pendingCr: boolean): ParleyError | undefined {
  if (chunk.indexOf(0) !== -1) return new ParleyError('bad_line_endings');
  if (pendingCr && chunk[0] !== LF) return new ParleyError('bad_line_endings');
  // Every LF must follow a CR …
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
    const before = i === 0 ? previous : chunk[i - 1];
    if (before !== CR) return new ParleyError('bad_line_endings');
  }
  // … and every CR must precede an LF (a CR at the very end is checked against the next chunk).
  for (let i = chunk.indexOf(CR); i !== -1 && i < chunk.length - 1; i = chunk.indexOf(CR, i + 1)) {
    if (chunk[i + 1] !== LF) return new ParleyError('bad_line_endings');
  }
  return undefined;
}
