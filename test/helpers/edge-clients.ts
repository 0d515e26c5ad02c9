import { expect, onTestFinished } from 'vitest';
import { simpleMessage, type TestRelay } from './parley.js';
import { RawSmtpClient, type Reply } from './smtp-client.js';

export const BUYER = 'jiwoo.kim@gmail.example';

/** A client connecting from another loopback address (Linux routes all of 127/8 to lo): one test, several client IPs. */
export async function connectFrom(relay: TestRelay, localAddress = '127.0.0.1'): Promise<RawSmtpClient> {
  const c = await RawSmtpClient.connect(relay.parley.smtpPort, '127.0.0.1', localAddress);
  onTestFinished(() => c.close());
  return c;
}

/** Connected, greeted (220) and past EHLO. */
export async function greetedFrom(relay: TestRelay, localAddress: string): Promise<RawSmtpClient> {
  const c = await connectFrom(relay, localAddress);
  expect((await c.read()).code).toBe(220);
  expect((await c.command('EHLO client.example')).code).toBe(250);
  return c;
}

/** The reply is the last thing on the connection: the server closes it right after. */
export async function expectClosedAfter(c: RawSmtpClient, reply: Reply | Promise<Reply>, code: number, text: string | RegExp): Promise<void> {
  const r = await reply;
  expect(r.code, r.text).toBe(code);
  if (typeof text === 'string') expect(r.text).toBe(text);
  else expect(r.text).toMatch(text);
  await expect(c.read(10_000)).rejects.toThrow(/connection closed/);
}

/** A fresh client from 127.0.0.1 relays a message end to end: the process is still serving. */
export async function expectServing(relay: TestRelay, sellerAlias: string): Promise<void> {
  const c = await relay.client();
  const before = relay.sink.received.length;
  const res = await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
  expect(res.end?.code, res.end?.text).toBe(250);
  await relay.sink.waitFor(before + 1);
}
