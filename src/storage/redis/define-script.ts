import { readFileSync } from 'node:fs';
import type { RedisClient } from './client.js';

export type ScriptCall = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/**
 * Registers a script from ./lua with ioredis (EVALSHA, falling back to EVAL after a Redis restart); the client's
 * keyPrefix is applied to its KEYS like to any other command's. Without numberOfKeys, the first argument of each
 * call is the number of keys (for scripts whose optional keys vary).
 */
export function defineScript(redis: RedisClient, file: string, command: string, numberOfKeys?: number): ScriptCall {
  const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
  redis.defineCommand(command, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  const client = redis as unknown as Record<string, ScriptCall>;
  return (...args) => client[command]!(...args);
}
