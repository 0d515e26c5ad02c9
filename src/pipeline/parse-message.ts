import { simpleParser, type AddressObject } from 'mailparser';
import { ParleyError } from '../domain/errors.js';
import { fastParse, PARSER_OPTIONS, type ParsedContent } from './fast-parse.js';
import { pieces } from './pieces.js';

export interface ParsedMessage {
  mail: ParsedContent;
  /** The single address of the single From header. */
  fromAddress: string;
  fromDomain: string;
  /** Display names the sender wrote (From and To), scanned by the policy but never delivered. */
  displayNames: string[];
  /** Lower-case header name → raw values, for signals such as Auto-Submitted or List-Unsubscribe. */
  headers: Map<string, string[]>;
}

/**
 * Parses once; every later stage works on this result and the delivered message is rebuilt from it,
 * so what is delivered is exactly what was checked. A message must have exactly one From header with
 * exactly one address (RFC 5322 §3.6): with two, parsers and mail clients disagree about the sender.
 */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  let mail: ParsedContent;
  try {
    mail = fastOrNull(raw) ?? (await parseWithMailparser(raw));
  } catch (err) {
    throw new ParleyError('bad_message', `cannot parse message: ${(err as Error).message}`);
  }
  const headers = new Map<string, string[]>();
  for (const line of mail.headerLines) {
    const value = line.line.slice(line.line.indexOf(':') + 1).trim();
    headers.set(line.key, [...(headers.get(line.key) ?? []), value]);
  }
  const fromHeaders = headers.get('from') ?? [];
  const from = addresses(mail.from);
  if (fromHeaders.length !== 1 || from.length !== 1 || !from[0]!.address) {
    throw new ParleyError('bad_message', 'the message must have exactly one From header with one address');
  }
  const fromAddress = from[0]!.address!;
  const displayNames = [...from, ...addresses(mail.to), ...addresses(mail.cc)].map((a) => a.name).filter((n): n is string => !!n);
  return { mail, fromAddress, fromDomain: fromAddress.split('@').pop()!.toLowerCase(), displayNames, headers };
}

/**
 * What mailparser makes of the message. Handed one 10 MB buffer, it decodes each base64 attachment from one
 * 10 MB string and its whitespace-free copy: five times the message in memory at once. In pieces, it streams.
 */
export function parseWithMailparser(raw: Buffer): Promise<ParsedContent> {
  return simpleParser(raw.length > PIECE ? pieces(raw, PIECE) : raw, PARSER_OPTIONS);
}

const PIECE = 64 * 1024;

/** The fast path's answer, or null to let mailparser parse (which also decides what a throw here means). */
function fastOrNull(raw: Buffer): ParsedContent | null {
  try {
    return fastParse(raw);
  } catch {
    return null;
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): { name?: string; address?: string }[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  // Groups nest their members one level down.
  return list.flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a])));
}
