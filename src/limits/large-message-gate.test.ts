import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { LargeMessageGate } from './large-message-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('LargeMessageGate', () => {
  it('when more large messages arrive than may be worked on at once, then the rest wait and go in arrival order', async () => {
    const collected: string[] = [];
    const gate = new LargeMessageGate(1000, 2, (kind) => kind === 'minor' && collected.push('gc'));
    const running = new Set<number>();
    let most = 0;
    const order: number[] = [];
    const blockers = [0, 1, 2, 3, 4].map(() => deferred());
    const runs = blockers.map((b, i) =>
      gate.run(5000, async () => {
        running.add(i);
        most = Math.max(most, running.size);
        order.push(i);
        await b.promise;
        running.delete(i);
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect([...running]).toEqual([0, 1]);
    expect(gate.queued()).toBe(3);
    for (const b of blockers) {
      b.resolve();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // One collection before and one after each large message.
    expect(collected).toHaveLength(10);
  });

  it('when small messages arrive while large ones hold every slot, then they run at once and nothing is collected for them', async () => {
    const collected: string[] = [];
    const gate = new LargeMessageGate(1000, 1, (kind) => kind === 'minor' && collected.push('gc'));
    const block = deferred();
    const large = gate.run(2000, () => block.promise);
    const before = collected.length;
    expect(await gate.run(999, async () => 'small')).toBe('small');
    gate.checkpoint(999);
    expect(collected).toHaveLength(before);
    block.resolve();
    await large;
    gate.checkpoint(1000);
    expect(collected).toHaveLength(before + 2);
  });

  it('when a large message fails, then its slot passes on and the error reaches its caller', async () => {
    const gate = new LargeMessageGate(10, 1, () => undefined);
    const failing = gate.run(50, async () => {
      throw new Error('parse failed');
    });
    const next = gate.run(50, async () => 'next');
    await expect(failing).rejects.toThrow('parse failed');
    expect(await next).toBe('next');
    expect(gate.queued()).toBe(0);
  });

  it('when a gate gives way to another, then its large message waits until the other is idle, but never longer than the bound', async () => {
    const receiving = new LargeMessageGate(10, 1, () => undefined);
    const delivering = new LargeMessageGate(10, 1, () => undefined, { gate: receiving, maxWaitMs: 60_000 });
    const order: string[] = [];
    const block = deferred();
    const received = receiving.run(50, async () => {
      await block.promise;
      order.push('received');
    });
    const delivered = delivering.run(50, async () => {
      order.push('delivered');
    });
    // Small deliveries never wait.
    expect(await delivering.run(5, async () => 'small')).toBe('small');
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    block.resolve();
    await Promise.all([received, delivered]);
    expect(order).toEqual(['received', 'delivered']);

    const impatient = new LargeMessageGate(10, 1, () => undefined, { gate: receiving, maxWaitMs: 30 });
    const stuck = deferred();
    let busyDone = false;
    const busy = receiving.run(50, () => stuck.promise).then(() => (busyDone = true));
    // The bound passes while the other gate is still busy: this one goes ahead anyway.
    expect(await impatient.run(50, async () => 'went ahead')).toBe('went ahead');
    expect(busyDone).toBe(false);
    stuck.resolve();
    await busy;
  });

  it('when built with the real collector, then running a large message works on this runtime', async () => {
    const gate = new LargeMessageGate(10, 1);
    expect(await gate.run(100, async () => 'done')).toBe('done');
  });

  it('when a burst of large messages is over, then one full collection follows a quiet moment later, not one per message', async () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const kinds: string[] = [];
    const gate = new LargeMessageGate(10, 1, (kind) => kinds.push(kind), undefined, 1000);
    await gate.run(100, async () => undefined);
    vi.advanceTimersByTime(900);
    await gate.run(100, async () => undefined); // within the quiet time: the burst is not over yet
    await gate.run(5, async () => undefined); // small mail neither ends nor extends a burst
    vi.advanceTimersByTime(900);
    expect(kinds).not.toContain('major');
    vi.advanceTimersByTime(100);
    expect(kinds).toEqual(['minor', 'minor', 'minor', 'minor', 'major']);
    vi.advanceTimersByTime(5000);
    expect(kinds.filter((k) => k === 'major')).toHaveLength(1);
  });

  it('when a large message is received and then delivered through the gate that gives way to receiving, then one full collection follows both, not one each', async () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const kinds: string[] = [];
    const receiving = new LargeMessageGate(10, 1, (kind) => kinds.push(kind), undefined, 1000);
    const delivering = new LargeMessageGate(10, 1, (kind) => kinds.push(`delivery ${kind}`), { gate: receiving, maxWaitMs: 5000 }, 1000);
    await receiving.run(100, async () => undefined);
    vi.advanceTimersByTime(500);
    await delivering.run(100, async () => undefined);
    vi.advanceTimersByTime(5000);
    expect(kinds.filter((k) => k.endsWith('major'))).toEqual(['major']);
  });
});
