import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** minor: between the stages of one message; major: once a burst of large messages is over. */
type Collect = (kind: 'minor' | 'major') => void;

/** Quiet time after the last large message before the full collection that gives the burst's memory back. */
const SETTLE_MS = 1_000;

/**
 * Bounds the memory large messages take. Parsing, rebuilding, signing and sealing a message holds several
 * copies of it for a moment (raw, decoded attachments, composed, encrypted), and so does delivering one
 * (sealed, plain). Through this gate only `atOnce` large messages are worked on at a time per process; the
 * others wait holding just their bytes. Small messages never wait: the gate is for what costs megabytes.
 *
 * After each large message the gate asks V8 to collect. Buffers live outside the JS heap, and V8 counts them
 * towards a collection only after about 64 MB of growth, so without the hint a process that handled a few
 * 10 MB messages keeps a hundred MB of garbage buffers until something else happens to trigger a collection.
 * Once no large message has been worked on for a second, one full collection returns what the burst grew
 * the old generation by; V8's own memory reducer would get there too, but only after tens of idle seconds.
 */
export class LargeMessageGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  /** Shared with the gate this one gives way to: one full collection once both are quiet, not one each. */
  private readonly settle: Settle;

  /**
   * @param after another gate this one gives way to: a large message here starts only once that gate is idle
   *   (or after `maxWaitMs`, so a steady stream there cannot starve this one). Deliveries give way to mail being
   *   received, so the two seldom hold their copies at the same moment, yet receiving never waits for a slow
   *   far end.
   */
  constructor(
    readonly thresholdBytes: number,
    readonly atOnce: number,
    private readonly collect: Collect = collectGarbage,
    private readonly after?: { gate: LargeMessageGate; maxWaitMs: number },
    private readonly settleMs = SETTLE_MS,
  ) {
    if (!(atOnce >= 1)) throw new TypeError('large messages at once must be at least 1');
    this.settle = after ? after.gate.settle : new Settle(collect, settleMs);
  }

  isLarge(bytes: number): boolean {
    return bytes >= this.thresholdBytes;
  }

  /** Runs fn at once for a small message, in turn for a large one. */
  async run<T>(bytes: number, fn: () => Promise<T>): Promise<T> {
    if (!this.isLarge(bytes)) return fn();
    if (this.active >= this.atOnce) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.settle.enter();
    try {
      if (this.after) await this.after.gate.whenIdle(this.after.maxWaitMs);
      // What other work left behind goes before this message's copies are made.
      this.collect('minor');
      return await fn();
    } finally {
      this.collect('minor');
      this.settle.leave();
      // The slot passes straight to the next waiter, so a small burst can never overtake and starve it.
      const next = this.waiting.shift();
      if (next) next();
      else if (--this.active === 0) for (const idle of this.idleWaiters.splice(0)) idle();
    }
  }

  /** Resolves once no large message is being worked on here, or after maxWaitMs, whichever comes first. */
  whenIdle(maxWaitMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  /**
   * Between two stages of a large message (received, parsed, rebuilt): the previous stage's temporary buffers
   * are garbage now, and are freed before the next stage allocates more.
   */
  checkpoint(bytes: number): void {
    if (this.isLarge(bytes)) this.collect('minor');
  }

  /** Large messages waiting for their turn (parley_large_messages_waiting). */
  queued(): number {
    return this.waiting.length;
  }
}

/** Counts large messages in progress across linked gates; a quiet `ms` after the last one, one full collection. */
class Settle {
  private busy = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collect: Collect,
    private readonly ms: number,
  ) {}

  enter(): void {
    this.busy++;
    clearTimeout(this.timer);
  }

  leave(): void {
    if (--this.busy > 0) return;
    this.timer = setTimeout(() => this.collect('major'), this.ms);
    this.timer.unref();
  }
}

/**
 * V8's collector, reached without a command-line flag so `npm start`, the cluster workers and the tests all get
 * it. Between stages a young-generation collection: a millisecond or a few, where most of a stage's buffers
 * (their small JS handles) still are. After a burst a full one: tens of milliseconds, once per burst. Measured
 * with `npm run bench:memory`.
 */
type V8Gc = (options: { type: 'minor' | 'major' }) => void;

const gc: V8Gc | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as V8Gc) : undefined;
  } catch {
    return undefined;
  }
})();

function collectGarbage(kind: 'minor' | 'major'): void {
  gc?.({ type: kind });
}
