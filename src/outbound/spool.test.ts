import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isParleyError } from '../domain/errors.js';
import { tempDir, testLogger } from '../../test/helpers/env.js';
import { newQueueId, Spool, type SpoolMeta, type SpoolOptions } from './spool.js';

const key = randomBytes(32);
const realTo = 'jiwoo.kim@personal-mail.example';
const realFrom = 'ceo.private@hidden-shop.example';
const raw = Buffer.from(`From: shop <seller-alias@relay.example>\r\nTo: <${realTo}>\r\nSubject: 주문 확인\r\n\r\nHello ${realTo}\r\n`);

function meta(overrides: Partial<SpoolMeta> = {}): SpoolMeta {
  return {
    from: 'bounce+abcdefghijklmnopqrstuvwx.aaaaaaa.aaaaaaaaaaaaaaaaaaaa@relay.example',
    to: realTo,
    notify: { to: realFrom, recipientAlias: 'buyer-alias@relay.example', subject: 'Order 42', arrivalDate: 1 },
    context: { pairId: 'p1', direction: 'seller-to-buyer' },
    ...overrides,
  };
}

/** The two ways a message is stored: small ones in the shared journal, large ones (or all, with it off) in files. */
const STORAGE = [
  { storage: 'the journal', options: {} },
  { storage: 'files of their own', options: { journalMaxBytes: 0 } },
] as const;

let options: SpoolOptions = FILES_ONLY();

function FILES_ONLY(): SpoolOptions {
  return { journalMaxBytes: 0 };
}

async function openSpool(dir: string, now?: () => number): Promise<Spool> {
  return Spool.open(dir, key, testLogger(), { ...options, ...(now ? { now } : {}) });
}

/** What is in the spool directory, journal segments left out (the current one stays while the spool runs). */
function files(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f !== 'tmp' && f !== 'key-check' && !f.startsWith('journal-'))
    .sort();
}

async function expectUnavailable(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isParleyError(err, 'spool_unavailable')).toBe(true);
  expect((err as { smtp?: { code: number } }).smtp?.code).toBe(452);
  expect((err as Error).message).toMatch(reason);
}

describe.each(STORAGE)('spool, messages in $storage', ({ options: stored }) => {
  beforeEach(() => {
    options = stored;
  });

  it('when a message is enqueued, then it is listed, due at once, and reads back byte for byte', async () => {
    const spool = await openSpool(tempDir(), () => 1000);
    const msg = await spool.enqueue(raw, meta());
    expect(msg).toMatchObject({ to: realTo, attempts: 0, createdAt: 1000, nextAttemptAt: 1000 });
    expect(msg.id).toMatch(/^[a-z2-7]{24}$/);
    expect(spool.due(1000).map((m) => m.id)).toEqual([msg.id]);
    expect(await spool.read(msg.id)).toEqual(raw);
    expect(spool.depth()).toBe(1);
    expect(spool.oldestAge(61_000)).toBe(60_000);
  });

  it('when the spool files are read raw, then no real address, local part, domain, subject or body text appears', async () => {
    const dir = tempDir();
    const spool = await openSpool(dir);
    await spool.enqueue(raw, meta());
    const dump = readdirSync(dir)
      .filter((f) => f !== 'tmp')
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(dump.length).toBeGreaterThan(raw.length);
    for (const secret of [realTo, realFrom, 'jiwoo.kim', 'personal-mail', 'ceo.private', 'hidden-shop', 'Hello', 'Order 42', 'pairId']) {
      expect(dump).not.toContain(secret);
    }
  });

  it('when a new spool is opened on the same directory without closing the old one, then every message comes back with its retry state', async () => {
    const dir = tempDir();
    const first = await openSpool(dir);
    const a = await first.enqueue(raw, meta());
    const b = await first.enqueue(Buffer.from('second\r\n'), meta({ from: '', notify: null }));
    await first.reschedule(a.id, { attempts: 2, nextAttemptAt: 5000, lastError: '451 4.7.1 try later' });
    const second = await openSpool(dir);
    expect(second.get(a.id)).toMatchObject({ attempts: 2, nextAttemptAt: 5000, lastError: '451 4.7.1 try later', context: a.context, notify: a.notify });
    expect(second.get(b.id)).toMatchObject({ from: '', notify: null, attempts: 0 });
    expect(await second.read(b.id)).toEqual(Buffer.from('second\r\n'));
  });

  it('when a message is removed, then its files are gone and a reopened spool does not know it', async () => {
    const dir = tempDir();
    const spool = await openSpool(dir);
    const msg = await spool.enqueue(raw, meta());
    await spool.remove(msg.id);
    expect(files(dir)).toEqual([]);
    // A clean stop writes what the journal still holds in memory (see the journal tests for a crash).
    spool.close();
    expect((await openSpool(dir)).depth()).toBe(0);
  });

  it('when messages with retry state are removed, by the spool that wrote the state or by one reopened after, then no file is left', async () => {
    const dir = tempDir();
    const first = await openSpool(dir);
    const a = await first.enqueue(raw, meta());
    const b = await first.enqueue(raw, meta());
    await first.reschedule(a.id, { attempts: 1, nextAttemptAt: 5000, lastError: '451 4.3.0 later' });
    await first.reschedule(b.id, { attempts: 1, nextAttemptAt: 5000, lastError: '451 4.3.0 later' });
    await first.remove(a.id);
    expect(files(dir)).toEqual([`${b.id}.meta`, `${b.id}.msg`].sort());
    const second = await openSpool(dir);
    // A reopened spool has nothing in memory: the bytes come from the file.
    expect(await second.read(b.id)).toEqual(raw);
    await second.remove(b.id);
    expect(files(dir)).toEqual([]);
  });

  it('when the spool is opened with another key, then it refuses to start instead of setting the queue aside', async () => {
    const dir = tempDir();
    const msg = await (await openSpool(dir)).enqueue(raw, meta());
    await expectUnavailable(Spool.open(dir, randomBytes(32), testLogger()), /key does not match/);
    expect(files(dir)).toEqual(options.journalMaxBytes === 0 ? [`${msg.id}.msg`] : []);
    expect(await openSpool(dir).then((s) => s.get(msg.id))).toMatchObject({ to: realTo });
  });

  it('when the spool directory disappears under a running spool, then enqueue throws spool_unavailable', async () => {
    const parent = tempDir();
    const dir = join(parent, 'spool');
    const spool = await openSpool(dir);
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'now a file');
    await expectUnavailable(spool.enqueue(raw, meta()), /ENOTDIR|ENOENT/);
  });

  it('when the envelope has two recipients or header-breaking characters, then enqueue refuses it', async () => {
    const spool = await openSpool(tempDir());
    for (const to of ['a@x.example,b@y.example', 'a@x.example\r\nRCPT TO:<b@y.example>', '<a@x.example>', 'no-at-sign']) {
      await expect(spool.enqueue(raw, meta({ to }))).rejects.toThrow(TypeError);
    }
    await expect(spool.enqueue(raw, meta({ from: 'x@y.example>' }))).rejects.toThrow(TypeError);
    const msg = await spool.enqueue(raw, meta());
    await expect(spool.enqueue(raw, meta({ id: msg.id }))).rejects.toThrow(TypeError);
  });
});

describe('spool, messages in files of their own', () => {
  beforeEach(() => {
    options = FILES_ONLY();
  });

  it('when a message file is tampered with, then reading it returns null and it is set aside as *.corrupt', async () => {
    const dir = tempDir();
    const spool = await openSpool(dir);
    const msg = await spool.enqueue(raw, meta());
    // The first read is served from memory (the bytes just written); every later one reads the file.
    expect(await spool.read(msg.id)).toEqual(raw);
    const path = join(dir, `${msg.id}.msg`);
    const bytes = readFileSync(path);
    bytes[bytes.length - 20]! ^= 0x01;
    writeFileSync(path, bytes);
    expect(await spool.read(msg.id)).toBeNull();
    expect(spool.get(msg.id)).toBeUndefined();
    expect(files(dir)).toEqual([`${msg.id}.msg.corrupt`]);
  });

  it('when a message file is truncated or a state file is moved onto another message, then opening sets those aside and keeps the rest', async () => {
    const dir = tempDir();
    const spool = await openSpool(dir);
    const good = await spool.enqueue(raw, meta());
    const truncated = await spool.enqueue(raw, meta());
    const swappedA = await spool.enqueue(raw, meta());
    const swappedB = await spool.enqueue(raw, meta());
    // Retry state lives in a .meta file beside the message once a delivery was deferred.
    await spool.reschedule(swappedA.id, { attempts: 1, nextAttemptAt: 1 });
    await spool.reschedule(swappedB.id, { attempts: 1, nextAttemptAt: 1 });
    writeFileSync(join(dir, `${truncated.id}.msg`), readFileSync(join(dir, `${truncated.id}.msg`)).subarray(0, 30));
    // Same key, valid file, wrong message: the associated data binds each file to its id.
    writeFileSync(join(dir, `${swappedA.id}.meta`), readFileSync(join(dir, `${swappedB.id}.meta`)));
    const reopened = await openSpool(dir);
    expect(reopened.list().map((m) => m.id).sort()).toEqual([good.id, swappedB.id].sort());
    expect(existsSync(join(dir, `${truncated.id}.msg.corrupt`))).toBe(true);
    expect(existsSync(join(dir, `${swappedA.id}.msg.corrupt`))).toBe(true);
    expect(existsSync(join(dir, `${swappedA.id}.meta.corrupt`))).toBe(true);
  });

  it('when a crash left the state of a removed message and stale temporaries, then opening removes them', async () => {
    const dir = tempDir();
    const spool = await openSpool(dir);
    const kept = await spool.enqueue(raw, meta());
    const orphan = newQueueId();
    writeFileSync(join(dir, `${orphan}.meta`), 'state of a message already removed');
    writeFileSync(join(dir, 'tmp', `${orphan}.msg`), 'never renamed');
    const reopened = await openSpool(dir);
    expect(reopened.list().map((m) => m.id)).toEqual([kept.id]);
    expect(files(dir)).toEqual([`${kept.id}.msg`]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('when the disk is full during an enqueue, then it throws spool_unavailable and leaves no file of the message behind', async () => {
    const dir = tempDir();
    const spool = await openSpool(dir);
    const id = newQueueId();
    // The spool writes temporaries as tmp/<id>.<kind>; pointing one at /dev/full makes the write fail with ENOSPC.
    symlinkSync('/dev/full', join(dir, 'tmp', `${id}.msg`));
    await expectUnavailable(spool.enqueue(raw, meta({ id })), /ENOSPC/);
    expect(spool.get(id)).toBeUndefined();
    expect(files(dir)).toEqual([]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    const next = await spool.enqueue(raw, meta());
    expect(await spool.read(next.id)).toEqual(raw);
  });

  it('when the spool directory cannot be created (its parent is a regular file), then opening throws spool_unavailable', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, '');
    await expectUnavailable(Spool.open(join(file, 'spool'), key, testLogger()), /ENOTDIR|EEXIST/);
  });

});
