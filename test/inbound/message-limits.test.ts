import { describe, expect, it } from 'vitest';
import { BUYER, expectServing, greetedFrom } from '../helpers/edge-clients.js';
import { simpleMessage, startRelay, type TestRelay } from '../helpers/parley.js';

/** Refused at the end of DATA with exactly this reply; the same session then relays a good message. */
async function expectRefusedMessage(relay: TestRelay, sellerAlias: string, body: string, code: number, text: string): Promise<void> {
  const c = await greetedFrom(relay, '127.0.0.2');
  const res = await c.transaction(BUYER, [sellerAlias], body);
  expect(res.end).toMatchObject({ code, text });
  const next = await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
  expect(next.end?.code, next.end?.text).toBe(250);
  await expectServing(relay, sellerAlias);
  await relay.sink.waitFor(2);
  expect(relay.sink.received).toHaveLength(2);
}

function multipart(boundary: string, inner: string[]): string[] {
  return [`Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...inner];
}

describe('message limits at the SMTP edge', () => {
  it('when a message has more accepted recipients than allowed, then the next RCPT gets 452 4.5.3 and the message still goes through', async () => {
    const relay = await startRelay({ overrides: { limits: { maxRecipients: 2 } } });
    const { sellerAlias } = await relay.seed();
    const [local] = sellerAlias.split('@') as [string];
    const c = await greetedFrom(relay, '127.0.0.2');
    expect((await c.command(`MAIL FROM:<${BUYER}>`)).code).toBe(250);
    expect((await c.command(`RCPT TO:<${sellerAlias}>`)).code).toBe(250);
    expect((await c.command(`RCPT TO:<${local}+order@relay.test>`)).code).toBe(250);
    // Repeating an accepted address adds no recipient; a third one does.
    expect((await c.command(`RCPT TO:<${sellerAlias}>`)).code).toBe(250);
    expect(await c.command(`RCPT TO:<${local}+other@relay.test>`)).toEqual(
      expect.objectContaining({ code: 452, text: '4.5.3 Too many recipients for one message; send to the others in another transaction' }),
    );
    expect((await c.command('DATA')).code).toBe(354);
    c.write(`${simpleMessage({ from: BUYER, to: sellerAlias })}.\r\n`);
    expect((await c.read()).code).toBe(250);
    await expectServing(relay, sellerAlias);
  });

  it('when a message is over SIZE, then 552 5.3.4 and the session goes on', async () => {
    const relay = await startRelay({ overrides: { smtp: { maxMessageSize: 4096 } } });
    const { sellerAlias } = await relay.seed();
    const body = simpleMessage({ from: BUYER, to: sellerAlias, body: `${'x'.repeat(70)}\r\n`.repeat(100) });
    await expectRefusedMessage(relay, sellerAlias, body, 552, '5.3.4 Message size exceeds the fixed maximum message size');
  });

  it('when the header section is over its limit, then 552 5.3.4 naming the limit', async () => {
    const relay = await startRelay({ overrides: { limits: { maxHeaderBytes: 2048 } } });
    const { sellerAlias } = await relay.seed();
    const headers = Array.from({ length: 40 }, (_, i) => `X-Filler-${i}: ${'h'.repeat(60)}`);
    const body = simpleMessage({ from: BUYER, to: sellerAlias, headers });
    await expectRefusedMessage(relay, sellerAlias, body, 552, '5.3.4 Message header section is larger than 2048 bytes');
  });

  it('when a line is longer than 998 characters, then 554 5.6.0 with the rule in the text', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const body = simpleMessage({ from: BUYER, to: sellerAlias, body: 'y'.repeat(999) });
    await expectRefusedMessage(relay, sellerAlias, body, 554, '5.6.0 Message has a line longer than 998 characters; lines must be at most 998 characters plus CRLF');
  });

  it('when a message has 10 000 MIME parts, then 554 5.6.0 before it is parsed', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const parts = Array.from({ length: 10_000 }, (_, i) => ['--p', 'Content-Type: text/plain', '', `part ${i}`]).flat();
    const lines = [`From: ${BUYER}`, `To: ${sellerAlias}`, 'Subject: many parts', 'MIME-Version: 1.0', ...multipart('p', [...parts, '--p--', ''])];
    await expectRefusedMessage(relay, sellerAlias, lines.join('\r\n'), 554, '5.6.0 Message has more than 500 MIME parts');
  });

  it('when MIME parts are nested 200 levels deep, then 554 5.6.0 before it is parsed', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const levels = Array.from({ length: 200 }, (_, i) => [...multipart(`n${i}`, []), `--n${i}`]).flat();
    const lines = [`From: ${BUYER}`, `To: ${sellerAlias}`, 'Subject: deep', 'MIME-Version: 1.0', ...levels, 'Content-Type: text/plain', '', 'bottom', ''];
    await expectRefusedMessage(relay, sellerAlias, lines.join('\r\n'), 554, '5.6.0 Message MIME structure is nested more than 20 levels deep');
  });
});
