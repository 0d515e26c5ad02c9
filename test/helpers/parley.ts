import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { CapCalendar } from '../../src/limits/cap-calendar.js';
import { startParley, type RunningParley, type StartOptions } from '../../src/main.js';
import { dnsZone, type FakeResolver, type ZoneRecords } from './dns-zone.js';
import { merge, testConfig, testLogger } from './env.js';
import { RawSmtpClient } from './smtp-client.js';
import { SmtpSink } from './smtp-sink.js';

const keyPath = (name: string) => new URL(`../fixtures/keys/${name}`, import.meta.url).pathname;
export const DKIM_KEY_PATH = keyPath('dkim-test.pem');

/** The DNS record that publishes the test DKIM key of relay.test, for verifying what Parley delivers. */
export function relayDkimRecords(selector = 'parley', domain = 'relay.test'): ZoneRecords {
  const der = createPublicKey(readFileSync(DKIM_KEY_PATH, 'utf8')).export({ format: 'der', type: 'spki' }).toString('base64');
  return { [`${selector}._domainkey.${domain}`]: { TXT: [`v=DKIM1; k=rsa; p=${der}`] } };
}

export interface TestRelay {
  parley: RunningParley;
  config: Config;
  sink: SmtpSink;
  resolver: FakeResolver;
  /** Registers the usual cast: seller "Blue Kettle Store" (two addresses) and buyer "Jiwoo", linked by an order. */
  seed(): Promise<{ buyerAlias: string; sellerAlias: string }>;
  client(): Promise<RawSmtpClient>;
}

export interface RelayOptions {
  store?: 'embedded' | 'redis';
  overrides?: Record<string, unknown>;
  zone?: ZoneRecords;
  start?: StartOptions;
  sink?: SmtpSink;
}

/** A real Parley (SMTP, spool, worker, API) with a real SMTP server on loopback as the far end. */
export async function startRelay(options: RelayOptions = {}): Promise<TestRelay> {
  const sink = options.sink ?? new SmtpSink();
  if (!options.sink) await sink.start();
  const base = {
    senderAuth: 'off',
    outbound: { target: `smtp://127.0.0.1:${sink.port}`, retrySchedule: [1] },
    smtp: { tlsCert: keyPath('tls-cert.pem'), tlsKey: keyPath('tls-key.pem') },
    dkim: { keyPath: DKIM_KEY_PATH },
  };
  const config = testConfig(merge(base, options.overrides ?? {}), options.store ?? 'embedded');
  const resolver = dnsZone({ ...relayDkimRecords(), ...options.zone });
  const parley = await startParley(config, testLogger(), { resolver, ...options.start });
  const clients: RawSmtpClient[] = [];
  onTestFinished(async () => {
    for (const c of clients) c.close();
    await parley.close();
    if (!options.sink) await sink.stop();
  });
  return {
    parley,
    config,
    sink,
    resolver,
    async seed() {
      const d = parley.directory;
      await d.parties.put({ id: 'seller-blue', role: 'seller', name: 'Blue Kettle Store', emails: ['owner@bluekettle.example', 'cs@bluekettle.example'] });
      await d.parties.put({ id: 'buyer-jiwoo', role: 'buyer', name: 'Jiwoo', emails: ['jiwoo.kim@gmail.example'] });
      const { pair } = await d.orders.record({ orderId: 'A-20261120-7781', buyerId: 'buyer-jiwoo', sellerId: 'seller-blue', placedAt: threeDaysAgoAtNoon() });
      return { buyerAlias: d.pairs.address(pair.buyerAlias), sellerAlias: d.pairs.address(pair.sellerAlias) };
    },
    async client() {
      const c = await RawSmtpClient.connect(parley.smtpPort);
      clients.push(c);
      const greeting = await c.read();
      if (greeting.code !== 220) throw new Error(`greeting ${greeting.code} ${greeting.text}`);
      await c.command('EHLO client.example');
      return c;
    },
  };
}

/**
 * The seed order's time: relative to the real clock (the relay's own), so the seller stays three days old
 * whatever day the tests run: cap 600 + floor(5 × 1/3) = 601.
 */
function threeDaysAgoAtNoon(): number {
  return new CapCalendar('UTC').dayAt(Date.now()).startMs - 3 * 86_400_000 + 12 * 3_600_000;
}

/** A minimal well-formed message as a mail client would write it (CRLF line endings). */
export function simpleMessage(opts: { from: string; to: string; subject?: string; body?: string; headers?: string[]; messageId?: string }): string {
  return [
    `From: ${opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${opts.subject ?? 'About my order'}`,
    'Date: Mon, 23 Nov 2026 18:12:31 +0900',
    `Message-ID: ${opts.messageId ?? `<m${Math.random().toString(36).slice(2)}@client.example>`}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(opts.headers ?? []),
    '',
    opts.body ?? 'Hello, when will my order ship?',
    '',
  ].join('\r\n');
}
