import { describe, expect, it } from 'vitest';
import { metricValue } from '../helpers/metrics.js';
import { simpleMessage, startRelay } from '../helpers/parley.js';

const BUYER = 'jiwoo.kim@gmail.example';


describe('metrics', () => {
  it('when mail is accepted, refused and held, then /metrics counts verdicts, replies, findings, attempts and queue depth', async () => {
    const relay = await startRelay();
    const { sellerAlias, buyerAlias } = await relay.seed();
    const c = await relay.client();
    expect((await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }))).end?.code).toBe(250);
    expect((await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias, body: 'mail me: jiwoo dot x at gmail dot com' }))).end?.code).toBe(550);
    const seller = 'owner@bluekettle.example';
    expect((await c.transaction(seller, [buyerAlias], simpleMessage({ from: seller, to: buyerAlias, body: 'Write to anna.private@gmail.com' }))).end?.code).toBe(250);
    await c.command('MAIL FROM:<stranger@evil.example>');
    await c.command(`RCPT TO:<${sellerAlias}>`);
    await relay.sink.waitFor(2); // the buyer's message and the hold notice

    const res = await relay.parley.api.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(metricValue(text, 'parley_messages_total{verdict="accepted",reason=""}')).toBe(1);
    expect(metricValue(text, 'parley_messages_total{verdict="held",reason=""}')).toBe(1);
    expect(metricValue(text, 'parley_messages_total{verdict="policy_rejected",reason="policy_rejected"}')).toBe(1);
    expect(metricValue(text, 'parley_smtp_replies_total{code="550 5.7.1"}')).toBe(2);
    expect(metricValue(text, 'parley_policy_findings_total{rule="obfuscated-address",action="reject"}')).toBe(1);
    expect(metricValue(text, 'parley_policy_findings_total{rule="seller-foreign-address",action="hold"}')).toBe(1);
    expect(metricValue(text, 'parley_delivery_attempts_total{outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^parley_queue_depth \d+$/m);
    expect(text).toMatch(/^parley_large_messages_waiting 0$/m);
    expect(text).toMatch(/^parley_store_up 1$/m);
    expect(text).toMatch(/^parley_accept_seconds_count 3$/m);
    expect(text).not.toContain('jiwoo');
    expect(text).not.toContain('bluekettle');
  });
});
