import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DirSyncer, syncDir } from './sealed-file.js';

describe('DirSyncer', () => {
  let dir: string;
  let synced: number;
  let syncer: DirSyncer;
  // The real fsync, counted.
  const counting = async (d: string) => {
    synced++;
    await syncDir(d);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dirsync-'));
    synced = 0;
    syncer = new DirSyncer(dir, (err) => {
      throw err;
    }, counting);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes lazy changes durable within the delay, once for many', async () => {
    syncer.later(1000);
    syncer.later(1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(synced).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(synced).toBe(1));
  });

  it('lets a sync that starts in the meantime cover the lazy changes', async () => {
    syncer.later(1000);
    await syncer.sync();
    expect(synced).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(synced).toBe(1);
  });

  it('still syncs after a lazy change made while a sync that started before it runs', async () => {
    const running = syncer.sync();
    syncer.later(1000);
    await running;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(synced).toBe(2));
  });

  it('groups callers that arrive during a sync into one more sync', async () => {
    const first = syncer.sync();
    const waiting = [syncer.sync(), syncer.sync(), syncer.sync()];
    await Promise.all([first, ...waiting]);
    expect(synced).toBe(2);
  });
});
