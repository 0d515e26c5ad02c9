import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { GroupSync, seal, sealedLength, SealedFileError, sealPieces, syncDir, unseal, unsealInPlace, writeSynced } from './sealed-file.js';

describe('GroupSync', () => {
  let dir: string;
  let synced: number;
  let syncer: GroupSync;
  // The real fsync, counted.
  const counting = async (d: string) => {
    synced++;
    await syncDir(d);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dirsync-'));
    synced = 0;
    syncer = new GroupSync(dir, (err) => {
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

  it('drains: waits for the running and the queued sync, starts none, and drops a lazy one', async () => {
    let finished = 0;
    const first = syncer.sync().then(() => finished++);
    const queued = syncer.sync().then(() => finished++);
    await syncer.drain();
    expect(finished).toBe(2);
    expect(synced).toBe(2);
    syncer.later(1000);
    await syncer.drain();
    await vi.advanceTimersByTimeAsync(2000);
    expect(synced).toBe(2);
    await Promise.all([first, queued]);
  });
});

describe('sealed files', () => {
  const key = randomBytes(32);
  // Around the 64 KB pieces the cipher works in.
  const sizes = [0, 1, 65535, 65536, 65537, 300_000];

  it('open to the same bytes, whole or in place, sealed whole or in parts', () => {
    for (const size of sizes) {
      const plain = randomBytes(size);
      const parts = [plain.subarray(0, size >> 2), plain.subarray(size >> 2)];
      for (const sealed of [seal(key, 'aad', plain), Buffer.concat([...sealPieces(key, 'aad', parts)])]) {
        expect(unseal(key, 'aad', sealed).equals(plain), `size ${size}`).toBe(true);
        const copy = Buffer.from(sealed);
        const opened = unsealInPlace(key, 'aad', copy);
        expect(opened.equals(plain), `size ${size} in place`).toBe(true);
        // In place: a view of the buffer it was given, not a new one.
        expect(opened.buffer).toBe(copy.buffer);
      }
    }
  });

  it('are the same file whether sealed whole or in parts', () => {
    const plain = randomBytes(200_000);
    const whole = seal(key, 'aad', plain);
    const sealed = Buffer.concat([...sealPieces(key, 'aad', [plain.subarray(0, 70_000), plain.subarray(70_000)])]);
    // Random IVs differ; everything else is what one key and IV make of the same bytes.
    expect(sealed.length).toBe(whole.length);
    expect(unseal(key, 'aad', sealed).equals(unseal(key, 'aad', whole))).toBe(true);
  });

  it('refuse a flipped bit, another aad or another key, in place too', () => {
    const sealed = seal(key, 'aad', randomBytes(100_000));
    const flipped = Buffer.from(sealed);
    flipped[50_000]! ^= 1;
    for (const open of [unseal, unsealInPlace]) {
      expect(() => open(key, 'aad', Buffer.from(flipped))).toThrow(SealedFileError);
      expect(() => open(key, 'other', Buffer.from(sealed))).toThrow(SealedFileError);
      expect(() => open(randomBytes(32), 'aad', Buffer.from(sealed))).toThrow(SealedFileError);
      expect(() => open(key, 'aad', sealed.subarray(0, 20))).toThrow(SealedFileError);
    }
  });
});

describe('writeSynced', () => {
  const key = randomBytes(32);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'write-synced-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes pieces made as they are taken, small and large (batched), as the file they make together', async () => {
    // Below and above the in-place limit (256 KB) and the write batch (1 MB).
    for (const size of [10, 200_000, 3_000_000]) {
      const plain = [randomBytes(Math.floor(size / 3)), randomBytes(size - Math.floor(size / 3))];
      let taken = 0;
      const pieces = (function* () {
        for (const piece of sealPieces(key, 'aad', plain)) {
          taken++;
          yield piece;
        }
      })();
      const path = join(dir, `f${size}`);
      await writeSynced(path, pieces, sealedLength(plain));
      const file = readFileSync(path);
      expect(file.length).toBe(sealedLength(plain));
      expect(unseal(key, 'aad', file).equals(Buffer.concat(plain))).toBe(true);
      expect(taken).toBeGreaterThan(size / (64 * 1024));
    }
  });

  it('counts pieces made as they are taken when no length is given', async () => {
    const plain = [randomBytes(400_000)];
    const path = join(dir, 'counted');
    await writeSynced(path, sealPieces(key, 'aad', plain));
    expect(unseal(key, 'aad', readFileSync(path)).equals(plain[0]!)).toBe(true);
  });

  it('writes a single buffer', async () => {
    const path = join(dir, 'one');
    await writeSynced(path, Buffer.from('hello'));
    expect(readFileSync(path, 'utf8')).toBe('hello');
  });
});
