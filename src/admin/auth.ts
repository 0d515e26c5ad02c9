import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ParleyError } from '../domain/errors.js';

export type ApiRole = 'admin' | 'reviewer';

export interface Tokens {
  admin: string;
  reviewer: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means public (health, OpenAPI). */
    roles?: ApiRole[];
  }
  interface FastifyRequest {
    role?: ApiRole;
  }
}

// Hash both sides first so the comparison takes the same time whatever the token length.
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export function roleOf(tokens: Tokens, header: string | undefined): ApiRole | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  if (sameSecret(match[1]!, tokens.admin)) return 'admin';
  if (sameSecret(match[1]!, tokens.reviewer)) return 'reviewer';
  return undefined;
}

/** onRequest hook: 401 without a valid token, 403 when the token's role is not allowed here. */
export function authorize(tokens: Tokens) {
  return async (request: FastifyRequest): Promise<void> => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const role = roleOf(tokens, request.headers.authorization);
    if (!role) throw new ParleyError('unauthorized');
    // admin may do everything a reviewer may.
    if (!roles.includes(role) && role !== 'admin') throw new ParleyError('forbidden');
    request.role = role;
  };
}
