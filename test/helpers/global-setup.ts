import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type {} from 'vitest';
import { freePort, waitForRedis } from './redis-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let child: ChildProcess | undefined;
let dir: string | undefined;

/** Tests need a real Redis: REDIS_URL when set, else a throwaway redis-server; never a silent skip. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.REDIS_URL;
  if (!url) {
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    const spawnError = new Promise<never>((_, reject) =>
      child!.once('error', (err) =>
        reject(new Error(`Tests need Redis: REDIS_URL is unset and redis-server could not start (${err.message}). Install redis-server or set REDIS_URL.`)),
      ),
    );
    url = `redis://127.0.0.1:${port}`;
    await Promise.race([waitForRedis(url), spawnError]);
  } else {
    await waitForRedis(url).catch((err: Error) => {
      throw new Error(`Tests need Redis: REDIS_URL=${url} is not reachable (${err.message}).`);
    });
  }
  project.provide('redisUrl', url);
}

export function teardown(): void {
  child?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
}
