import { ParleyError } from '../../domain/errors.js';
import { parseContentType } from './content-type.js';

export interface MimeLimits {
  maxMimeParts: number;
  maxMimeDepth: number;
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SP = 0x20;
const TAB = 0x09;
/** A real Content-Type is a few hundred bytes; keeping more of a folded one would only let a part header grow memory. */
const MAX_CONTENT_TYPE = 16 * 1024;

/** An open container: a part with a boundary, or an attached message (no boundary of its own). */
interface Container {
  boundary: string | undefined;
  /** Its first delimiter was seen; until then a closing delimiter is preamble text, as it is for the parser. */
  started: boolean;
}

/**
 * Counts MIME parts and nesting depth in one pass over the raw message, before mailparser builds its tree: a
 * message of 10 000 parts or 200 nested levels costs the parser memory per node and, per line, work per open
 * level. Only lines starting with "--" are compared, by one map lookup, so the scan is linear in the size.
 *
 * It reads the structure as mailparser's splitter does: a delimiter is "--" + boundary, optionally "--", then
 * only spaces or tabs; a delimiter of any open ancestor ends everything below it; a closing delimiter before a
 * container's first part is text; any Content-Type with a boundary opens a container. Where the two could
 * differ the scan errs towards more: it enters every attached message (message/rfc822), and a container it
 * opens that the parser does not can only add depth, never hide parts.
 */
export function checkMimeStructure(raw: Buffer, limits: MimeLimits): { parts: number; depth: number } {
  const open: Container[] = [];
  const byBoundary = new Map<string, number[]>(); // boundary → its positions in `open`, innermost last
  let parts = 0;
  let deepest = 0;
  let inHeader = true;
  let contentType: string | undefined;
  let inContentType = false;

  const push = (boundary: string | undefined) => {
    open.push({ boundary, started: false });
    if (boundary !== undefined) {
      const positions = byBoundary.get(boundary);
      if (positions) positions.push(open.length - 1);
      else byBoundary.set(boundary, [open.length - 1]);
    }
    deepest = Math.max(deepest, open.length);
    if (open.length > limits.maxMimeDepth) {
      throw new ParleyError('mime_too_deep', `more than ${limits.maxMimeDepth} levels`, {
        smtpText: `Message MIME structure is nested more than ${limits.maxMimeDepth} levels deep`,
      });
    }
  };
  const popTo = (length: number) => {
    while (open.length > length) {
      const { boundary } = open.pop()!;
      if (boundary === undefined) continue;
      const positions = byBoundary.get(boundary)!;
      positions.pop();
      if (!positions.length) byBoundary.delete(boundary);
    }
  };
  const newPart = () => {
    parts++;
    if (parts > limits.maxMimeParts) {
      throw new ParleyError('too_many_mime_parts', `more than ${limits.maxMimeParts} parts`, { smtpText: `Message has more than ${limits.maxMimeParts} MIME parts` });
    }
    inHeader = true;
    contentType = undefined;
    inContentType = false;
  };
  const headerEnded = () => {
    inHeader = false;
    const { type, boundary } = parseContentType(contentType ?? '');
    contentType = undefined;
    inContentType = false;
    if (boundary !== undefined) push(boundary);
    else if (type === 'message/rfc822') {
      push(undefined);
      newPart();
    }
  };

  for (let start = 0; start < raw.length; ) {
    const lf = raw.indexOf(LF, start);
    const next = lf === -1 ? raw.length : lf + 1;
    const end = lf > start && raw[lf - 1] === CR ? lf - 1 : lf === -1 ? raw.length : lf;

    if (byBoundary.size && raw[start] === DASH && raw[start + 1] === DASH) {
      const candidate = raw.toString('latin1', start + 2, end).replace(/[ \t]+$/, '');
      const at = byBoundary.get(candidate)?.at(-1);
      const closing = at === undefined && candidate.endsWith('--') ? byBoundary.get(candidate.slice(0, -2))?.at(-1) : undefined;
      if (at !== undefined) {
        popTo(at + 1);
        open[at]!.started = true;
        newPart();
        start = next;
        continue;
      }
      if (closing !== undefined && open[closing]!.started) {
        popTo(closing);
        inHeader = false;
        start = next;
        continue;
      }
    }

    if (inHeader) {
      if (end === start) headerEnded();
      else if (raw[start] === SP || raw[start] === TAB) {
        // A folded line continues the header above it; unfolded, its leading blanks become one space.
        if (inContentType && contentType!.length < MAX_CONTENT_TYPE) contentType += ` ${raw.toString('latin1', start, end).trimStart()}`;
      } else {
        const line = raw.subarray(start, end);
        const colon = line.indexOf(0x3a);
        // 'content-type' is 12 characters: a shorter name is not it, and costs no string.
        inContentType = colon >= 12 && contentType === undefined && line.toString('latin1', 0, colon).trim().toLowerCase() === 'content-type';
        if (inContentType) contentType = line.toString('latin1', colon + 1, Math.min(line.length, colon + 1 + MAX_CONTENT_TYPE)).trim();
      }
    }
    start = next;
  }
  return { parts, depth: deepest };
}
