import type { FastifyRequest } from 'fastify';
import { ParleyError } from '../domain/errors.js';
import type { Actor } from '../quarantine/audit-entry.js';

/** The name is a label in the audit log, not an identity (the token is that): 100 characters name anyone. */
const MAX_NAME = 100;

/**
 * Who is calling: the token's role, plus the name the console sends in X-Reviewer. The name is cleaned of
 * control and format characters (no forged line breaks or bidi tricks in an audit listing) and cut to length.
 */
export function actorOf(request: FastifyRequest): Actor {
  // Only routes with roles call this, and authorize() has set the role for them.
  if (!request.role) throw new ParleyError('unauthorized');
  const header = request.headers['x-reviewer'];
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return { role: request.role };
  const cleaned = utf8FromLatin1(raw)
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const name = [...cleaned].slice(0, MAX_NAME).join('').trim();
  return name ? { role: request.role, name } : { role: request.role };
}

/**
 * Node reads header bytes as latin1, so a UTF-8 name (a Korean reviewer's) arrives as mojibake; decode it
 * back when the bytes are valid UTF-8, and keep the value as it is otherwise.
 */
function utf8FromLatin1(value: string): string {
  if (/[\u0100-\uffff]/.test(value)) return value;
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? value : decoded;
}
