import { Readable } from 'node:stream';

/**
 * A buffer as a stream of views into it (no copies). Stream parsers and encoders handed one huge chunk work
 * on it whole (a 10 MB attachment becomes a 10 MB string, then more copies of it); in pieces they stream.
 * The default size is a whole number of 57-byte base64 input lines.
 */
export function pieces(buffer: Buffer, size = 57 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= buffer.length) this.push(null);
      else this.push(buffer.subarray(offset, (offset += size)));
    },
  });
}
