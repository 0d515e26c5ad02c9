import { describe, expect, it, onTestFinished } from 'vitest';
import { isParleyError, ParleyError } from '../../domain/errors.js';
import { createLogger } from '../../observability/logger.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { tempDir } from '../../../test/helpers/env.js';
import { RcptTarpit, tarpitDelayMs } from './rcpt-tarpit.js';

const settings = {
  rcptFailuresBeforeDelay: 2,
  rcptFailureDelayMs: 1000,
  rcptFailureMaxDelayMs: 3500,
  maxRcptFailuresPerConnection: 6,
  maxRcptFailuresPerIp: 8,
  rcptFailureWindowSeconds: 3600,
};

/** A tarpit on a real (embedded) store whose waits are recorded instead of slept. */
function recordingTarpit() {
  const store = EmbeddedStore.open(tempDir());
  onTestFinished(() => store.close());
  const waits: number[] = [];
  const tarpit = new RcptTarpit(store.rates, settings, async (ms) => void waits.push(ms), createLogger('silent'));
  return { tarpit, waits };
}

async function outcome(promise: Promise<void>): Promise<string> {
  try {
    await promise;
    return 'answered';
  } catch (err) {
    if (isParleyError(err)) return err.code;
    throw err;
  }
}

describe('RcptTarpit', () => {
  it('when refusals accumulate, then the free ones wait nothing and each later one a step more, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => tarpitDelayMs(n, settings))).toEqual([0, 0, 1000, 2000, 3000, 3500, 3500]);
  });

  it('when one connection keeps probing, then its replies are slowed and the refusal after the limit disconnects', async () => {
    const { tarpit, waits } = recordingTarpit();
    const connection = { rcptFailures: 0 };
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await outcome(tarpit.refused(new ParleyError('unknown_alias'), connection, '192.0.2.1')));
    expect(results).toEqual([...Array(6).fill('answered'), 'too_many_invalid_recipients']);
    expect(waits).toEqual([1000, 2000, 3000, 3500]);
  });

  it('when a client reconnects, then the delay follows its count across connections, and the limit across them disconnects', async () => {
    const { tarpit, waits } = recordingTarpit();
    for (let i = 0; i < 5; i++) await tarpit.refused(new ParleyError('relay_denied'), { rcptFailures: 0 }, '2001:db8:0:1::/64');
    expect(waits).toEqual([1000, 2000, 3000]);
    const fresh = { rcptFailures: 0 };
    expect(await outcome(tarpit.refused(new ParleyError('sender_not_allowed'), fresh, '2001:db8:0:1::/64'))).toBe('answered');
    expect(waits.at(-1)).toBe(3500);
    await tarpit.refused(new ParleyError('unknown_alias'), fresh, '2001:db8:0:1::/64');
    await tarpit.refused(new ParleyError('unknown_alias'), fresh, '2001:db8:0:1::/64');
    expect(await outcome(tarpit.refused(new ParleyError('unknown_alias'), fresh, '2001:db8:0:1::/64'))).toBe('too_many_invalid_recipients');
    // Another client starts from nothing.
    expect(await outcome(tarpit.refused(new ParleyError('unknown_alias'), { rcptFailures: 0 }, '192.0.2.7'))).toBe('answered');
  });

  it('when a refusal is not an answer about aliases (another pair, a store outage), then it is neither counted nor delayed', async () => {
    const { tarpit, waits } = recordingTarpit();
    const connection = { rcptFailures: 0 };
    for (const code of ['other_pair', 'store_unavailable', 'daily_cap_reached'] as const) {
      expect(await outcome(tarpit.refused(new ParleyError(code), connection, '192.0.2.1'))).toBe('answered');
    }
    expect(await outcome(tarpit.refused(new Error('boom'), connection, '192.0.2.1'))).toBe('answered');
    expect(connection.rcptFailures).toBe(0);
    expect(waits).toEqual([]);
  });
});
