/**
 * Reads the type and boundary of a Content-Type header value the way mailparser's splitter does (mailsplit's
 * MimeNode, through libmime's parseHeaderValue with comments stripped): a first parameter wins over a repeated
 * one, an RFC 2231 continuation (boundary*0=…) wins over the plain form, junk after a closing quote is dropped,
 * and a boundary that is not ASCII counts as none. The MIME scan must find the boundaries the parser will
 * split by, or a crafted header could hide parts from the scan but not from the parser.
 */
export interface ContentType {
  /** Lower case, e.g. "multipart/mixed"; "" when absent. */
  type: string;
  boundary: string | undefined;
}

const isWsp = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';

export function parseContentType(value: string): ContentType {
  const params = new Map<string, string>();
  let type: string | undefined;
  let key: string | undefined;
  let inKey = false;
  let collected = '';
  let significant = 0; // length of collected without trailing unquoted whitespace
  let quote = false;
  let quoteClosed = false;
  let escaped = false;
  let tokenOpen = false;
  let stripComments = true;

  const commit = () => {
    const text = collected.slice(0, significant);
    collected = '';
    significant = 0;
    if (inKey) {
      const name = text.toLowerCase();
      if (name && !params.has(name)) params.set(name, '');
    } else if (key === undefined) type ??= text;
    else if (!params.has(key)) params.set(key, text);
  };
  const take = (c: string) => {
    collected += c;
    significant = collected.length;
  };

  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (stripComments && c === '(' && !quote && !escaped && !tokenOpen) {
      let end = commentEnd(value, i);
      // An unclosed comment runs to the end unless a parameter follows; then it is content, as for the parser.
      if (end < 0 && value.indexOf(';', i) < 0) end = value.length - 1;
      if (end >= 0) {
        i = end;
        continue;
      }
      stripComments = false;
    }
    if (inKey) {
      if (c === '=') {
        key = collected.slice(0, significant).toLowerCase();
        collected = '';
        significant = 0;
        inKey = false;
        tokenOpen = true;
      } else if (c === ';') commit();
      else if (isWsp(c)) collected += collected.length ? c : '';
      else take(c);
      continue;
    }
    if (quoteClosed && c !== ';') {
      escaped = false;
      continue;
    }
    if (escaped) {
      take(c);
      tokenOpen = key !== undefined && !quote;
    } else if (c === '\\') {
      escaped = true;
      continue;
    } else if (c === '"') {
      quoteClosed = quote;
      quote = !quote;
      tokenOpen = false;
    } else if (!quote && c === ';') {
      commit();
      inKey = true;
      tokenOpen = false;
      quoteClosed = false;
    } else if (!quote && isWsp(c)) {
      collected += collected.length ? c : '';
      tokenOpen = false;
    } else {
      take(c);
      tokenOpen = key !== undefined && !quote;
    }
    escaped = false;
  }
  commit();
  return { type: (type ?? '').trim().toLowerCase(), boundary: asciiBoundary(continuedBoundary(params) ?? params.get('boundary')) };
}

/** RFC 2231: boundary*0, boundary*1 … (or boundary*) joined in order; a charset'lang' prefix is percent-decoded. */
function continuedBoundary(params: Map<string, string>): string | undefined {
  const segments: { nr: number; value: string }[] = [];
  let charset = false;
  for (const [name, raw] of params) {
    const m = /^boundary\*((\d+)\*?)?$/.exec(name);
    if (!m) continue;
    let value = raw;
    const nr = Number(m[2]) || 0;
    const encoded = nr === 0 && name.endsWith('*') && /^([^']*)'[^']*'(.*)$/.exec(value);
    if (encoded) {
      charset = true;
      value = encoded[2]!;
    }
    segments.push({ nr, value });
  }
  if (!segments.length) return undefined;
  const joined = segments
    .sort((a, b) => a.nr - b.nr)
    .map((s) => s.value)
    .join('');
  // Only ASCII survives asciiBoundary() anyway, so percent-decoding as latin1 is exact for what matters.
  return charset ? joined.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : joined;
}

function asciiBoundary(boundary: string | undefined): string | undefined {
  const trimmed = (boundary ?? '').trimEnd();
  // As the parser tests it: a character outside ASCII takes more than one byte in UTF-8.
  return trimmed && Buffer.byteLength(trimmed) === trimmed.length ? trimmed : undefined;
}

function commentEnd(value: string, start: number): number {
  let depth = 0;
  for (let i = start; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
