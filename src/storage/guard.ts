import { ParleyError } from '../domain/errors.js';

/**
 * Any failure of the backing store becomes `store_unavailable` (451 4.3.0 in SMTP, 503 in HTTP):
 * callers can always tell a store outage from a decision, and never answer 5xx for it.
 */
export async function guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ParleyError) throw err;
    throw new ParleyError('store_unavailable', `store ${operation} failed: ${(err as Error).message}`, { cause: err });
  }
}
