import type { LargeMessageGate } from '../limits/large-message-gate.js';
import type { Logger } from '../observability/logger.js';
import { destinationOf, type DeliveryFailure, type QueuedMessage, type SettledOutcome } from './queued-message.js';
import { isExpired, nextAttemptAt, type RetrySchedule } from './retry-schedule.js';
import type { Spool } from './spool.js';
import type { DeliveryResult, OutboundTransport } from './transport.js';

export interface DeliveryWorkerDeps {
  spool: Pick<Spool, 'list' | 'get' | 'read' | 'reschedule' | 'remove' | 'onEnqueue'>;
  transport: Pick<OutboundTransport, 'send'>;
  schedule: RetrySchedule;
  /** Attempts in flight at once (outbound.concurrency). */
  concurrency: number;
  /** Attempts in flight to one recipient domain (outbound.perDestination): big providers throttle bursts. */
  perDestination: number;
  logger: Logger;
  now?: () => number;
  /** Permanent failure or expiry. Sends the DSN (when msg.notify is set); the message is removed after it resolves. */
  onFailed(msg: QueuedMessage, failure: DeliveryFailure): Promise<void>;
  /** Reports each attempt's outcome (metrics). */
  observe?(outcome: 'delivered' | 'deferred' | 'failed' | 'expired', msg: QueuedMessage): void;
  /** Large messages are read and sent a few at a time (memory); small ones pass straight through. */
  largeMessages?: Pick<LargeMessageGate, 'run'>;
  /** How long stop() lets in-flight attempts finish before aborting them (ms). */
  stopGraceMs?: number;
}

/** Even with nothing due, look at the queue this often, so a clock jump or a missed kick costs at most this. */
const MAX_SLEEP_MS = 60_000;

/**
 * Takes due messages from the spool and tries each once: delivered → removed (whom to tell of a late bounce was
 * stored when it was accepted); permanent or expired → onFailed, then removed; temporary → rescheduled. A failed
 * message leaves the spool only after onFailed resolved, so a DSN is itself spooled before the original
 * disappears; a failing onFailed is retried later.
 */
export class DeliveryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perDomain = new Map<string, number>();
  /** Local faults (spool unwritable) back off in memory: the spool could not record a new time. */
  private readonly holdUntil = new Map<string, number>();
  private readonly now: () => number;
  private running = false;
  private pumpQueued = false;
  /**
   * Messages known to be due but not started yet: new ones (kick(id)) and ones a concurrency limit held back.
   * A pass looks only at these until `fullScanAt`, when something not due at the last full look becomes due.
   * With a large deferred queue (a big provider down) a pass then costs what is due, not the whole queue.
   */
  private readonly candidates = new Set<string>();
  private fullScanAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private abort = new AbortController();

  constructor(private readonly deps: DeliveryWorkerDeps) {
    if (deps.concurrency < 1 || deps.perDestination < 1) throw new TypeError('concurrency limits must be at least 1');
    this.now = deps.now ?? Date.now;
    // Every message queued, by whatever path (fresh mail, DSNs, notices, releases), is found without a scan.
    deps.spool.onEnqueue((id) => this.kick(id));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.fullScanAt = 0;
    this.kick();
  }

  /**
   * Wakes the worker, e.g. right after an enqueue: with the new message's id it is found without looking at the
   * whole queue; without one the next pass looks at everything. Cheap: many kicks in one tick make one pass.
   */
  kick(id?: string): void {
    if (id !== undefined) this.candidates.add(id);
    else this.fullScanAt = 0;
    this.wake();
  }

  private wake(): void {
    if (!this.running || this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /**
   * Stops taking work and lets in-flight attempts finish for stopGraceMs, then aborts them. Aborted or
   * unfinished attempts leave their messages spooled, due at once on the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const grace = this.deps.stopGraceMs ?? 10_000;
    if (!(await settledWithin([...this.inFlight.values()], grace))) {
      this.deps.logger.warn({ inFlight: this.inFlight.size }, 'delivery worker: aborting attempts still in flight');
      this.abort.abort();
      await settledWithin([...this.inFlight.values()], grace);
    }
  }

  private pump(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const now = this.now();
    const due: QueuedMessage[] = [];
    const dueAt = (msg: QueuedMessage) => Math.max(msg.nextAttemptAt, this.holdUntil.get(msg.id) ?? 0);
    if (now >= this.fullScanAt) {
      // The whole queue, at least every MAX_SLEEP_MS: whatever became due without a kick (a clock jump, a
      // missed notice) is found within that time.
      let next = now + MAX_SLEEP_MS;
      this.candidates.clear();
      for (const msg of this.deps.spool.list()) {
        if (this.inFlight.has(msg.id)) continue;
        const at = dueAt(msg);
        if (at <= now) due.push(msg);
        else next = Math.min(next, at);
      }
      this.fullScanAt = next;
    } else {
      for (const id of this.candidates) {
        const msg = this.deps.spool.get(id);
        if (!msg || this.inFlight.has(id)) this.candidates.delete(id);
        else if (dueAt(msg) <= now) due.push(msg);
        else {
          this.candidates.delete(id);
          this.fullScanAt = Math.min(this.fullScanAt, dueAt(msg));
        }
      }
    }
    due.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt);
    for (const msg of due) {
      const destination = destinationOf(msg.to);
      // Held back by a limit: stays a candidate; completions kick again, so it goes as soon as a slot frees.
      if (this.inFlight.size >= this.deps.concurrency || (this.perDomain.get(destination) ?? 0) >= this.deps.perDestination) {
        this.candidates.add(msg.id);
        continue;
      }
      this.candidates.delete(msg.id);
      this.launch(msg, destination);
    }
    this.timer = setTimeout(() => this.wake(), Math.max(0, this.fullScanAt - now));
  }

  private launch(msg: QueuedMessage, destination: string): void {
    this.perDomain.set(destination, (this.perDomain.get(destination) ?? 0) + 1);
    const log = this.deps.logger.child({ msgId: msg.id });
    const run = this.attempt(msg, log)
      .catch((err: unknown) => {
        // A local fault (spool unreadable or unwritable): the message stays queued and is tried again later.
        const retryAt = this.now() + (this.deps.schedule.steps[0] ?? 60) * 1000;
        this.holdUntil.set(msg.id, retryAt);
        this.fullScanAt = Math.min(this.fullScanAt, retryAt);
        log.error({ err, retryAt: new Date(retryAt).toISOString() }, 'delivery attempt hit a local fault; message kept');
      })
      .finally(() => {
        this.inFlight.delete(msg.id);
        // Still queued (deferred, or its outcome's callback failed): its next time bounds the next full look.
        const after = this.deps.spool.get(msg.id);
        if (after) this.fullScanAt = Math.min(this.fullScanAt, Math.max(after.nextAttemptAt, this.holdUntil.get(msg.id) ?? 0));
        const left = (this.perDomain.get(destination) ?? 1) - 1;
        if (left > 0) this.perDomain.set(destination, left);
        else this.perDomain.delete(destination);
        this.wake();
      });
    this.inFlight.set(msg.id, run);
  }

  private async attempt(msg: QueuedMessage, log: Logger): Promise<void> {
    this.holdUntil.delete(msg.id);
    if (msg.settled) return this.settle(msg, msg.settled, msg.attempts + 1, log);
    const send = async (): Promise<DeliveryResult | null> => {
      const raw = await this.deps.spool.read(msg.id);
      if (!raw) return null; // set aside as corrupt; the spool logged it
      return this.deps.transport.send({ from: msg.from, to: msg.to }, raw, { signal: this.abort.signal, logger: log });
    };
    const result = this.deps.largeMessages && msg.bytes !== undefined ? await this.deps.largeMessages.run(msg.bytes, send) : await send();
    if (!result) return;
    const attempts = msg.attempts + 1;
    if (result.kind === 'delivered') {
      log.info({ attempts }, 'delivered');
      this.deps.observe?.('delivered', msg);
      return this.settle(msg, { kind: 'delivered', response: result.response }, attempts, log);
    }
    // The diagnostic may quote the real recipient: debug level only.
    log.debug({ diagnostic: result.diagnostic }, 'remote diagnostic');
    if (result.kind === 'permanent') {
      log.info({ attempts, code: result.code, enhanced: result.enhanced }, 'delivery failed permanently');
      this.deps.observe?.('failed', msg);
      return this.settle(msg, { kind: 'failed', failure: failureOf(result, false) }, attempts, log);
    }
    if (!this.running) {
      // Cut short by shutdown: not the destination's fault, so not counted; it is due again on the next start.
      log.info('delivery attempt abandoned at shutdown; message stays spooled');
      return;
    }
    const now = this.now();
    if (isExpired(this.deps.schedule, msg.createdAt, now)) {
      log.info({ attempts, code: result.code, enhanced: result.enhanced }, 'delivery expired');
      this.deps.observe?.('expired', msg);
      return this.settle(msg, { kind: 'failed', failure: failureOf(result, true) }, attempts, log);
    }
    const next = nextAttemptAt(this.deps.schedule, attempts, msg.createdAt, now);
    await this.deps.spool.reschedule(msg.id, { attempts, nextAttemptAt: next, lastError: result.diagnostic });
    log.info({ attempts, code: result.code, enhanced: result.enhanced, nextAttemptAt: new Date(next).toISOString() }, 'delivery deferred');
    this.deps.observe?.('deferred', msg);
  }

  /**
   * Removes the message, a failed one once onFailed resolved; if onFailed fails, keeps the outcome and retries it.
   * (A kept 'delivered' outcome comes only from a spool an earlier version wrote: it is simply removed.)
   */
  private async settle(msg: QueuedMessage, outcome: SettledOutcome, attempts: number, log: Logger): Promise<void> {
    try {
      if (outcome.kind === 'failed') await this.deps.onFailed(msg, outcome.failure);
    } catch (err) {
      // Callback retries follow the schedule's steps but never expire: the outcome must not be lost.
      const now = this.now();
      const next = nextAttemptAt(this.deps.schedule, attempts, now, now);
      await this.deps.spool.reschedule(msg.id, { attempts, nextAttemptAt: next, settled: outcome });
      log.error({ err, outcome: outcome.kind, nextAttemptAt: new Date(next).toISOString() }, 'outcome callback failed; message kept, callback retried later');
      return;
    }
    await this.deps.spool.remove(msg.id);
  }
}

function failureOf(result: Exclude<DeliveryResult, { kind: 'delivered' }>, expired: boolean): DeliveryFailure {
  return {
    permanent: true,
    ...(result.code !== undefined ? { code: result.code } : {}),
    ...(result.enhanced ? { enhanced: result.enhanced } : {}),
    diagnostic: result.diagnostic,
    ...(result.remoteHost ? { remoteHost: result.remoteHost } : {}),
    ...(expired ? { expired: true } : {}),
  };
}

/** True when every promise settled within ms. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = Promise.allSettled(promises).then(() => true as const);
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
