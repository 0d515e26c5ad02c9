import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DeliveryWorker, type DeliveryWorkerDeps } from '../../src/outbound/delivery-worker.js';
import { buildDsn, scrubDiagnostic } from '../../src/outbound/dsn.js';
import { retryScheduleFrom } from '../../src/outbound/retry-schedule.js';
import { newQueueId, Spool, type DeliveryFailure, type QueuedMessage, type SpoolMeta } from '../../src/outbound/spool.js';
import type { OutboundTransport } from '../../src/outbound/transport.js';
import { encodeVerp } from '../../src/outbound/verp.js';
import { tempDir, testLogger } from '../helpers/env.js';
import { mxZone } from '../helpers/dns-zone.js';
import { message, startSink, transportFor } from './harness.js';
import type { SmtpSink } from '../helpers/smtp-sink.js';

const key = randomBytes(32);
const verpKey = randomBytes(32);
const realRecipient = 'jiwoo.kim@buyer.example';
const realSender = 'owner@seller.example';
const alias = 'k5zq3n7vt2xw4y6abcdefghijk@relay.example';
/** One-second steps so retries happen within a test. */
const fastSchedule = retryScheduleFrom({ retrySchedule: [1], maxQueueAge: 3600 });
const eventually = { timeout: 15_000, interval: 25 };

function metaFor(to = realRecipient, overrides: Partial<SpoolMeta> = {}): SpoolMeta {
  const id = newQueueId();
  return {
    id,
    from: encodeVerp(verpKey, 'relay.example', id, Date.now() + 7 * 86_400_000),
    to,
    notify: { to: realSender, recipientAlias: alias, subject: 'Your order #1042', arrivalDate: Date.now() },
    context: { pairId: 'pair-1', direction: 'seller-to-buyer' },
    ...overrides,
  };
}

interface Setup {
  spool: Spool;
  worker: DeliveryWorker;
  delivered: QueuedMessage[];
  failed: { msg: QueuedMessage; failure: DeliveryFailure; stillSpooled: boolean }[];
  dir: string;
}

/** Spool + worker against a sink; the worker is stopped when the test ends (its spool stays on disk until then). */
async function setup(
  sink: SmtpSink,
  overrides: Partial<DeliveryWorkerDeps> & { dir?: string; transport?: OutboundTransport } = {},
): Promise<Setup> {
  const dir = overrides.dir ?? join(tempDir(), 'spool');
  const spool = await Spool.open(dir, key, testLogger());
  const delivered: Setup['delivered'] = [];
  const failed: Setup['failed'] = [];
  const worker = new DeliveryWorker({
    spool,
    transport: overrides.transport ?? transportFor({ target: `smtp://127.0.0.1:${sink.port}`, maxConnections: 10 }),
    schedule: fastSchedule,
    concurrency: 10,
    perDestination: 5,
    logger: testLogger(),
    stopGraceMs: 500,
    observe: (outcome, msg) => {
      if (outcome === 'delivered') delivered.push(msg);
    },
    onFailed: async (msg, failure) => {
      failed.push({ msg, failure, stillSpooled: spool.get(msg.id) !== undefined });
    },
    ...overrides,
  });
  onTestFinished(() => worker.stop());
  return { spool, worker, delivered, failed, dir };
}

describe('delivery worker over real SMTP', () => {
  it('when many messages wait for a later retry, then new mail goes out at once without the whole queue being read for each', async () => {
    const sink = await startSink();
    const { spool, worker, delivered } = await setup(sink);
    // 300 messages deferred for an hour, as when a big provider is down.
    const later = Date.now() + 3_600_000;
    for (let i = 0; i < 300; i++) {
      const queued = await spool.enqueue(message(`waiting${i}@down.example`), metaFor(`waiting${i}@down.example`));
      await spool.reschedule(queued.id, { attempts: 1, nextAttemptAt: later, lastError: '451 4.3.0 try later' });
    }
    let fullReads = 0;
    const list = spool.list.bind(spool);
    spool.list = () => {
      fullReads++;
      return list();
    };
    worker.start();
    const fresh: QueuedMessage[] = [];
    for (let i = 0; i < 20; i++) fresh.push(await spool.enqueue(message(realRecipient), metaFor()));
    await vi.waitFor(() => expect(delivered.map((m) => m.id).sort()).toEqual(fresh.map((m) => m.id).sort()), eventually);
    expect(sink.received.every((r) => r.to[0] === realRecipient)).toBe(true);
    // A delivery is observed before the spool file is removed, so the last removals may still be in flight.
    await vi.waitFor(() => expect(spool.depth()).toBe(300), eventually);
    // The first pass reads the queue; the twenty new messages and their completions do not.
    expect(fullReads).toBe(1);
  });

  it('when a message is enqueued and the far end accepts, then it is delivered exactly once, bytes intact, and leaves the spool', async () => {
    const sink = await startSink();
    const { spool, worker, delivered } = await setup(sink);
    worker.start();
    const raw = message(realRecipient);
    const meta = metaFor();
    await spool.enqueue(raw, meta);
    worker.kick();
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.raw.equals(raw)).toBe(true);
    expect(sink.received[0]).toMatchObject({ from: meta.from, to: [realRecipient] });
    expect(delivered.map((m) => m.context)).toEqual([meta.context]);
  });

  it('when the far end is down, then the message is retried on schedule and delivered once it is back', async () => {
    const sink = await startSink();
    await sink.stop();
    const { spool, worker } = await setup(sink);
    worker.start();
    const msg = await spool.enqueue(message(realRecipient), metaFor());
    worker.kick();
    await vi.waitFor(() => expect(spool.get(msg.id)?.attempts).toBeGreaterThanOrEqual(2), eventually);
    const deferred = spool.get(msg.id)!;
    expect(deferred.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(deferred.nextAttemptAt).toBeGreaterThan(deferred.createdAt);
    await sink.start();
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
    expect(sink.received).toHaveLength(1);
  });

  it('when the far end answers 5xx, then onFailed gets the permanent failure while the message is still spooled, and a DSN spooled there goes out', async () => {
    const sink = await startSink({ rcpt: (to) => (to === realRecipient ? { code: 550, message: `5.1.1 <${realRecipient}>: User unknown` } : null) });
    const state: Setup = await setup(sink, {
      // What the composition root will do: spool a DSN to the original sender before the original is removed.
      onFailed: async (msg, failure) => {
        state.failed.push({ msg, failure, stillSpooled: state.spool.get(msg.id) !== undefined });
        const diagnostic = scrubDiagnostic(failure.diagnostic, { realRecipient: msg.to, recipientAlias: msg.notify!.recipientAlias });
        const dsn = buildDsn({
          reportingDomain: 'relay.example',
          to: msg.notify!.to,
          recipientAlias: msg.notify!.recipientAlias,
          action: 'failed',
          status: failure.enhanced ?? '5.0.0',
          diagnostic,
          arrivalDate: msg.notify!.arrivalDate,
          subject: msg.notify!.subject,
          messageIdDomain: 'relay.example',
        });
        await state.spool.enqueue(dsn, { from: '', to: msg.notify!.to, notify: null, context: { dsnFor: msg.id } });
      },
    });
    const spool = state.spool;
    state.worker.start();
    const msg = await spool.enqueue(message(realRecipient), metaFor());
    state.worker.kick();
    await vi.waitFor(() => expect(sink.received.map((r) => r.to[0])).toEqual([realSender]), eventually);
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);

    expect(state.failed).toHaveLength(1);
    expect(state.failed[0]).toMatchObject({ msg: { id: msg.id }, stillSpooled: true, failure: { permanent: true, code: 550, enhanced: '5.1.1' } });
    expect(state.failed[0]!.failure.diagnostic).toContain('User unknown');
    const dsn = sink.received[0]!;
    expect(dsn.from).toBe('');
    const parsed = await simpleParser(dsn.raw, { keepDeliveryStatus: true });
    const report = parsed.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString('utf8');
    expect(report).toContain(`Final-Recipient: rfc822; ${alias}`);
    expect(dsn.raw.toString('utf8').toLowerCase()).not.toContain('jiwoo.kim');
  });

  it('when onFailed throws, then the message stays spooled and only the callback is retried, without contacting the far end again', async () => {
    const sink = await startSink({ rcpt: () => ({ code: 550, message: '5.1.1 No such user' }) });
    let calls = 0;
    const { spool, worker } = await setup(sink, {
      onFailed: async () => {
        calls++;
        if (calls === 1) throw new Error('the DSN could not be spooled');
      },
    });
    worker.start();
    const msg = await spool.enqueue(message(realRecipient), metaFor());
    worker.kick();
    await vi.waitFor(() => expect(spool.get(msg.id)?.settled?.kind).toBe('failed'), eventually);
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
    expect(calls).toBe(2);
    expect(sink.rcptAttempts).toBe(1);
  });

  it('when temporary failures last past the maximum queue age, then onFailed reports it as expired', async () => {
    const sink = await startSink({ rcpt: () => ({ code: 451, message: '4.7.1 Greylisted, try again later' }) });
    const { spool, worker, failed } = await setup(sink, { schedule: retryScheduleFrom({ retrySchedule: [1], maxQueueAge: 2 }) });
    worker.start();
    await spool.enqueue(message(realRecipient), metaFor());
    worker.kick();
    await vi.waitFor(() => expect(failed).toHaveLength(1), eventually);
    expect(failed[0]!.failure).toMatchObject({ permanent: true, expired: true, code: 451, enhanced: '4.7.1' });
    expect(sink.rcptAttempts).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
  });

  it('when the node dies mid-delivery and a new spool opens the same directory, then the in-flight message is delivered', async () => {
    const hanging = await startSink({ hang: true });
    const before = await setup(hanging);
    before.worker.start();
    const raw = message(realRecipient);
    const msg = await before.spool.enqueue(raw, metaFor());
    before.worker.kick();
    await vi.waitFor(() => expect(hanging.dataStarted).toBe(1), eventually);

    // The old worker is never stopped before the new one starts: only what is on disk carries over.
    const healthy = await startSink();
    const after = await setup(healthy, { dir: before.dir });
    expect(after.spool.get(msg.id)).toMatchObject({ attempts: 0, to: realRecipient });
    after.worker.start();
    await vi.waitFor(() => expect(after.spool.depth()).toBe(0), eventually);
    expect(healthy.received).toHaveLength(1);
    expect(healthy.received[0]!.raw.equals(raw)).toBe(true);
  });

  it('when stop() is called with an attempt in flight, then the attempt is abandoned and the message stays spooled, not counted as tried', async () => {
    const sink = await startSink({ hang: true });
    const { spool, worker, dir } = await setup(sink, { stopGraceMs: 100 });
    worker.start();
    const msg = await spool.enqueue(message(realRecipient), metaFor());
    worker.kick();
    await vi.waitFor(() => expect(sink.dataStarted).toBe(1), eventually);
    await worker.stop();
    expect(spool.get(msg.id)).toMatchObject({ attempts: 0 });
    const reopened = await Spool.open(dir, key, testLogger());
    expect(reopened.due().map((m) => m.id)).toEqual([msg.id]);
    expect(sink.received).toHaveLength(0);
  });

  it('when a spooled file is corrupt, then it is set aside and the worker goes on delivering the others', async () => {
    const sink = await startSink();
    const dir = join(tempDir(), 'spool');
    // Files of their own, to corrupt one (spool-journal.test.ts does the same to a journal record).
    const writer = await Spool.open(dir, key, testLogger(), { journalMaxBytes: 0 });
    const bad = await writer.enqueue(message(realRecipient, 'bad'), metaFor());
    await writer.enqueue(message(realRecipient, 'good'), metaFor());
    const path = join(dir, `${bad.id}.msg`);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    const { spool, worker } = await setup(sink, { dir });
    worker.start();
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.raw.toString()).toContain('good');
    expect(readdirSync(dir).filter((f) => f.endsWith('.corrupt')).sort()).toEqual([`${bad.id}.msg.corrupt`]);
  });

  it('when many messages go to two domains, then no domain has more than perDestination sessions at once and the total stays within concurrency', async () => {
    const sink = await startSink({ holdMs: 300 });
    const { spool, worker } = await setup(sink, { concurrency: 3, perDestination: 2 });
    for (let i = 0; i < 6; i++) {
      await spool.enqueue(message(`a${i}@one.example`), metaFor(`a${i}@one.example`));
      await spool.enqueue(message(`b${i}@two.example`), metaFor(`b${i}@two.example`));
    }
    worker.start();
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
    expect(sink.received).toHaveLength(12);
    expect(sink.maxConcurrentByDomain.get('one.example')).toBeLessThanOrEqual(2);
    expect(sink.maxConcurrentByDomain.get('two.example')).toBeLessThanOrEqual(2);
    expect(sink.maxConcurrent).toBeLessThanOrEqual(3);
    // Both limits were actually reached, so the assertions above are not vacuous.
    expect(Math.max(...sink.maxConcurrentByDomain.values())).toBe(2);
    expect(sink.maxConcurrent).toBe(3);
  });

  it('when delivering in MX mode, then the worker reaches the sink through the injected resolver', async () => {
    const sink = await startSink();
    const zone = mxZone({ 'buyer.example': [{ exchange: '127.0.0.1', priority: 10 }] });
    const { spool, worker } = await setup(sink, { transport: transportFor({ target: 'mx', resolveMx: zone, mxPort: sink.port }) });
    worker.start();
    await spool.enqueue(message(realRecipient), metaFor());
    worker.kick();
    await vi.waitFor(() => expect(spool.depth()).toBe(0), eventually);
    expect(sink.received).toHaveLength(1);
    expect(zone.calls).toEqual(['buyer.example']);
  });
});
