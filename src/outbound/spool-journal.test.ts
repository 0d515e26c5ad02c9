import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, testLogger } from '../../test/helpers/env.js';
import { Spool, type QueuedMessage, type SpoolMeta, type SpoolOptions } from './spool.js';

const key = randomBytes(32);
const realTo = 'minseo.park@personal-mail.example';

function meta(): SpoolMeta {
  return { from: '', to: realTo, notify: null, context: { pairId: 'p1' } };
}

function message(n: number, size = 2000): Buffer {
  const head = `Subject: order ${n}\r\n\r\n`;
  return Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '\r\n');
}

function open(dir: string, options: SpoolOptions = {}): Promise<Spool> {
  return Spool.open(dir, key, testLogger(), options);
}

const segments = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('journal-'));
const messageFiles = (dir: string) => readdirSync(dir).filter((f) => /\.msg$/.test(f));

/** Flips one bit of the (only) segment at byte `at`, as a bad disk or an editor would; returns the segment's name. */
function flipBit(dir: string, at: number): string {
  const [name] = segments(dir);
  const path = join(dir, name!);
  const bytes = readFileSync(path);
  bytes[at]! ^= 0x01;
  writeFileSync(path, bytes);
  return name!;
}

/** A spool in a new directory holding message(1) then message(2): the first one is the one a test damages. */
async function badThenGood(): Promise<{ dir: string; spool: Spool; bad: QueuedMessage; good: QueuedMessage }> {
  const dir = tempDir();
  const spool = await open(dir);
  const bad = await spool.enqueue(message(1), meta());
  const good = await spool.enqueue(message(2), meta());
  return { dir, spool, bad, good };
}

/** A second spool opened on the directory while the first still runs: only what is on disk carries over, as after a crash. */
describe('spool journal', () => {
  it('when 50 messages are enqueued at once, then they share one segment, which a spool opened after a crash serves from and deletes once all are gone', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const queued = await Promise.all(Array.from({ length: 50 }, (_, i) => first.enqueue(message(i), meta())));
    expect(segments(dir)).toHaveLength(1);
    expect(messageFiles(dir)).toEqual([]);
    // Served from the segment, not from the copy kept for the first attempt (taken by the first read).
    expect(await first.read(queued[7]!.id)).toEqual(message(7));
    expect(await first.read(queued[7]!.id)).toEqual(message(7));

    const second = await open(dir);
    expect(second.depth()).toBe(50);
    // Taken over as it is: nothing copied to files.
    expect(messageFiles(dir)).toEqual([]);
    for (const [i, m] of queued.entries()) expect(await second.read(m.id)).toEqual(message(i));
    for (const m of queued.slice(0, 30)) await second.remove(m.id);
    await second.enqueue(message(50), meta());

    // Removals of the taken-over messages are written to the new segment, and hold across another crash.
    const third = await open(dir);
    expect(third.depth()).toBe(21);
    for (const m of third.list()) await third.remove(m.id);
    // Oldest first: once nothing waits in them, both segments go (the third run's own stays, as its current).
    await expect.poll(() => segments(dir).length).toBe(1);
    expect((await open(dir)).depth()).toBe(0);
  });

  it('when a message is removed and the process dies right after, then a spool opened on the directory does not deliver it again', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const gone = await first.enqueue(message(1), meta());
    const kept = await first.enqueue(message(2), meta());
    await first.remove(gone.id);
    const second = await open(dir);
    expect(second.list().map((m) => m.id)).toEqual([kept.id]);
    // Known as removed, not mistaken for a damaged record.
    expect(readdirSync(dir).filter((f) => f.endsWith('.corrupt'))).toEqual([]);
  });

  it('when a crash cut the last record of a segment short, then the messages before it are recovered and the cut one is not', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const a = await first.enqueue(message(1), meta());
    const b = await first.enqueue(message(2), meta());
    await first.enqueue(message(3), meta());
    const [segment] = segments(dir);
    const path = join(dir, segment!);
    truncateSync(path, readFileSync(path).length - 700);
    const second = await open(dir);
    expect(second.list().map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(await second.read(b.id)).toEqual(message(2));
  });

  it('when a journal record is tampered with, then reading it returns null, it is set aside as *.msg.corrupt and the next message still reads', async () => {
    const { dir, spool, bad, good } = await badThenGood();
    // Taken once: the bytes kept in memory for the first attempt are gone, later reads go to the segment.
    await spool.read(bad.id);
    flipBit(dir, 1000);
    expect(await spool.read(bad.id)).toBeNull();
    expect(spool.get(bad.id)).toBeUndefined();
    expect(existsSync(join(dir, `${bad.id}.msg.corrupt`))).toBe(true);
    expect(await spool.read(good.id)).toEqual(message(2));
  });

  it('when the state of a journal record was tampered with before a restart, then opening sets it aside and keeps the rest', async () => {
    const { dir, bad, good } = await badThenGood();
    // Inside the first record's sealed metadata: its header (12 bytes), id (24) and length prefix (4) come first.
    const old = flipBit(dir, 12 + 24 + 4 + 30);
    const second = await open(dir);
    expect(second.list().map((m) => m.id)).toEqual([good.id]);
    expect(existsSync(join(dir, `${bad.id}.msg.corrupt`))).toBe(true);
    expect(await second.read(good.id)).toEqual(message(2));
    await second.remove(good.id);
    // The removal record went to a segment of the new run; the old one goes once nothing in it waits.
    await expect.poll(() => segments(dir)).not.toContain(old);
  });

  it('when a message is deferred, then it moves to a file with its state, and its old segment is deleted once nothing in it waits', async () => {
    const dir = tempDir();
    // One message per segment: each append past the first byte starts a new one.
    const spool = await open(dir, { journalSegmentBytes: 1 });
    const a = await spool.enqueue(message(1), meta());
    await spool.enqueue(message(2), meta());
    expect(segments(dir)).toHaveLength(2);
    await spool.reschedule(a.id, { attempts: 1, nextAttemptAt: 5000, lastError: '451 4.3.0 later' });
    expect(readdirSync(dir).filter((f) => f.startsWith(a.id)).sort()).toEqual([`${a.id}.meta`, `${a.id}.msg`]);
    await expect.poll(() => segments(dir).length).toBe(1);
    expect(await spool.read(a.id)).toEqual(message(1));
    await spool.remove(a.id);
    expect(readdirSync(dir).filter((f) => f.startsWith(a.id))).toEqual([]);
  });

  it('when a first attempt outlasts a minute, then the sweep moves the message to a file and deletes its old segment', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    const spool = await open(dir, { journalSegmentBytes: 1, now: () => now });
    const slow = await spool.enqueue(message(1), meta());
    await spool.enqueue(message(2), meta());
    await spool.sweepJournal();
    expect(messageFiles(dir)).toEqual([]);
    now += 61_000;
    await spool.sweepJournal();
    expect(messageFiles(dir)).toEqual([`${slow.id}.msg`]);
    await expect.poll(() => segments(dir).length).toBe(1);
    expect(await spool.read(slow.id)).toEqual(message(1));
  });

  it('when a message is removed while the sweep writes it out, then no file of it is left and a reopened spool does not know it', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    const spool = await open(dir, { journalSegmentBytes: 1, now: () => now });
    const racing = await spool.enqueue(message(1), meta());
    await spool.enqueue(message(2), meta());
    now += 61_000;
    const sweep = spool.sweepJournal();
    await spool.remove(racing.id);
    await sweep;
    expect(messageFiles(dir)).toEqual([]);
    expect((await open(dir)).get(racing.id)).toBeUndefined();
  });

  it('when a message is larger than journalMaxBytes, then it gets a file of its own', async () => {
    const dir = tempDir();
    const spool = await open(dir, { journalMaxBytes: 4096 });
    const small = await spool.enqueue(message(1, 4000), meta());
    const large = await spool.enqueue(message(2, 5000), meta());
    expect(messageFiles(dir)).toEqual([`${large.id}.msg`]);
    expect(spool.get(small.id)).toBeDefined();
    expect(await open(dir).then((s) => s.read(large.id))).toEqual(message(2, 5000));
  });
});
