import { describe, expect, it } from 'vitest';
import { GreetPassList } from './greet-pass.js';

describe('GreetPassList', () => {
  it('when a client passed, then it is listed until its pass ends, and a new pass is needed after that', () => {
    let now = 1_000_000;
    const list = new GreetPassList(60, { maxClients: 10, now: () => now });
    expect(list.has('192.0.2.1')).toBe(false);
    list.pass('192.0.2.1');
    expect(list.has('192.0.2.1')).toBe(true);
    now += 59_999;
    expect(list.has('192.0.2.1')).toBe(true);
    now += 1;
    expect(list.has('192.0.2.1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('when more clients pass than it keeps, then the oldest passes are dropped first', () => {
    const list = new GreetPassList(60, { maxClients: 2 });
    list.pass('a');
    list.pass('b');
    list.pass('a'); // a passed again: now the newest
    list.pass('c');
    expect([list.has('a'), list.has('b'), list.has('c')]).toEqual([true, false, true]);
  });

  it('when a pass is shared, then it is published to the other workers, and theirs are listed here without being published back', () => {
    const published: string[] = [];
    let deliver: (client: string) => void = () => undefined;
    const list = new GreetPassList(60, { share: { publish: (c) => published.push(c), subscribe: (fn) => (deliver = fn) } });
    list.pass('a');
    deliver('b');
    expect([list.has('a'), list.has('b'), published]).toEqual([true, true, ['a']]);
  });

  it('when the time to live is 0, then nobody is ever listed', () => {
    const list = new GreetPassList(0);
    list.pass('a');
    expect(list.has('a')).toBe(false);
  });
});
