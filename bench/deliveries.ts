// What the sink reported, by bench token: how often each message arrived and when it first did. The exactly-once
// check and every "wait until delivered" read it; run.ts and ab.ts each keep one for their sink.
import type { SinkMessage } from './sink.js';

const POLL_MS = 20;

export class Deliveries {
  private readonly seen = new Map<string, { count: number; at: number }>();

  /** The sink process's IPC handler. */
  readonly onSink = (m: SinkMessage): void => {
    if (m.type !== 'delivered') return;
    for (const [token, at] of m.batch) {
      const d = this.seen.get(token);
      if (d) d.count++;
      else this.seen.set(token, { count: 1, at });
    }
  };

  has(token: string): boolean {
    return this.seen.has(token);
  }

  count(token: string): number {
    return this.seen.get(token)?.count ?? 0;
  }

  /** Resolves once every token arrived or the time is up; returns the latest first arrival (wall-clock ms). */
  async waitFor(tokens: string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (let pending = tokens; pending.length && Date.now() < deadline; pending = pending.filter((t) => !this.seen.has(t))) {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return tokens.reduce((last, t) => Math.max(last, this.seen.get(t)?.at ?? -Infinity), -Infinity);
  }
}
