import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { tempDir, testSecrets } from '../helpers/env.js';
import { simpleMessage, startRelay, type TestRelay } from '../helpers/parley.js';

const SELLER = 'owner@bluekettle.example';
const BUYER = 'jiwoo.kim@gmail.example';
const admin = { authorization: `Bearer ${testSecrets.adminToken}` };
const reviewer = { authorization: `Bearer ${testSecrets.reviewerToken}`, 'x-reviewer': 'Mina (compliance)' };

async function send(relay: TestRelay, from: string, to: string, body: string, subject = 'About your order') {
  const c = await relay.client();
  const res = await c.transaction(from, [to], simpleMessage({ from, to, subject, body }));
  c.close();
  return res.end!;
}

async function quarantined(relay: TestRelay, status: string) {
  const res = await relay.parley.api.inject({ url: `/v1/quarantine?status=${status}`, headers: reviewer });
  return res.json().items as { id: string; rules: string[]; status: string }[];
}

describe('content policy in the relay', () => {
  it('when a seller gives a buyer an email address, then the message is held, the seller is told, and the buyer gets nothing', async () => {
    const relay = await startRelay();
    const { buyerAlias } = await relay.seed();
    const end = await send(relay, SELLER, buyerAlias, 'For faster help write to anna.private@gmail.com directly.', 'Your kettle');
    expect(end.code).toBe(250);

    const [held] = await quarantined(relay, 'held');
    expect(held).toMatchObject({ rules: ['seller-foreign-address'], status: 'held' });
    const [notice] = await relay.sink.waitFor(1);
    expect(notice!.to).toEqual([SELLER]);
    expect(notice!.from).toBe('');
    const text = (await simpleParser(notice!.raw)).text!;
    expect(text).toContain('Your message "Your kettle" to Jiwoo is being held for review');
    expect(text).toContain('seller-foreign-address');
    expect(notice!.raw.toString()).not.toContain(BUYER);

    const view = (await relay.parley.api.inject({ url: `/v1/quarantine/${held!.id}`, headers: reviewer })).json();
    expect(view.findings[0]).toMatchObject({ ruleId: 'seller-foreign-address', match: 'anna.private@gmail.com', context: { before: 'For faster help write to ', after: ' directly.' } });
  });

  it('when a reviewer releases the held message with masking, then the buyer gets it masked and the audit log has both decisions', async () => {
    const relay = await startRelay();
    const { buyerAlias, sellerAlias } = await relay.seed();
    await send(relay, SELLER, buyerAlias, 'Call me or write to anna.private@gmail.com. Regards, owner@bluekettle.example');
    const [held] = await quarantined(relay, 'held');
    await relay.sink.waitFor(1); // the notice to the seller

    const release = await relay.parley.api.inject({ method: 'POST', url: `/v1/quarantine/${held!.id}/release`, headers: reviewer, payload: { mask: true } });
    expect(release.statusCode).toBe(200);
    const delivered = (await relay.sink.waitFor(2))[1]!;
    expect(delivered.to).toEqual([BUYER]);
    const mail = await simpleParser(delivered.raw);
    expect(mail.text).toContain('[contact details removed]');
    expect(mail.text).toContain(`Regards, ${sellerAlias}`);
    expect(delivered.raw.toString()).not.toContain('anna.private');
    expect(delivered.raw.toString()).toMatch(/Authentication-Results: relay\.test; none \(released by a reviewer\)/);

    const again = await relay.parley.api.inject({ method: 'POST', url: `/v1/quarantine/${held!.id}/reject`, headers: reviewer, payload: { reason: 'late' } });
    expect(again.statusCode).toBe(409);
    const audit = (await relay.parley.api.inject({ url: `/v1/audit?quarantineId=${held!.id}`, headers: admin })).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['hold', 'release']));
    expect(audit.items.find((e: { action: string }) => e.action === 'release').actor).toEqual({ role: 'reviewer', name: 'Mina (compliance)' });
  });

  it('when a reviewer rejects a held message, then the seller is told the reason', async () => {
    const relay = await startRelay();
    const { buyerAlias } = await relay.seed();
    await send(relay, SELLER, buyerAlias, 'Leave us 5 stars and we refund 10% of your order!', 'Thanks');
    const [held] = await quarantined(relay, 'held');
    expect(held!.rules).toContain('seller-review-manipulation');
    await relay.sink.waitFor(1);
    const res = await relay.parley.api.inject({ method: 'POST', url: `/v1/quarantine/${held!.id}/reject`, headers: reviewer, payload: { reason: 'Offering refunds for reviews is not allowed.' } });
    expect(res.statusCode).toBe(200);
    const notice = (await relay.sink.waitFor(2))[1]!;
    expect(notice.to).toEqual([SELLER]);
    expect((await simpleParser(notice.raw)).text).toContain('Reason: Offering refunds for reviews is not allowed.');
  });

  it('when an address is disguised, then 550 5.7.1 names the rule and a rejected copy is kept for audit', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const end = await send(relay, BUYER, sellerAlias, 'my mail is jiwoo dot other at gmail dot com, write me there');
    expect(end.code).toBe(550);
    expect(end.text).toMatch(/^5\.7\.1 Message refused by the marketplace content policy \(rule obfuscated-address\): The message spells out an email address in disguise/);
    expect(await quarantined(relay, 'rejected')).toHaveLength(1);
    expect(relay.sink.received).toHaveLength(0);
  });

  it('when a buyer writes another address or phone number, then it is masked on delivery; a contact request is tagged', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    expect((await send(relay, BUYER, sellerAlias, 'You can also reach me at jiwoo.work@naver.com or 010-1234-5678.')).code).toBe(250);
    const mail = await simpleParser((await relay.sink.waitFor(1))[0]!.raw);
    expect(mail.text).toBe('You can also reach me at [contact details removed] or [contact details removed].\n');

    expect((await send(relay, BUYER, sellerAlias, 'Could you send me your email address please?')).code).toBe(250);
    const tagged = (await relay.sink.waitFor(2))[1]!;
    expect(tagged.raw.toString()).toMatch(/^X-Parley-Policy: buyer-contact-request\r$/m);
  });

  it('when the policy file is reloaded with a bad rule, then 422 says why and the old rules stay; a good file takes effect', async () => {
    const dir = tempDir();
    const file = join(dir, 'policy.yaml');
    const rules = (action: string) => `version: 1\nrules:\n  - id: buyer-addresses\n    detector: foreign-address\n    direction: both\n    action: ${action}\n`;
    writeFileSync(file, rules('mask'));
    const relay = await startRelay({ overrides: { policy: { file } } });
    const { sellerAlias } = await relay.seed();

    writeFileSync(file, rules('explode'));
    const bad = await relay.parley.api.inject({ method: 'POST', url: '/v1/policy/reload', headers: admin });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/the rules in force stay: .*action/);
    expect((await send(relay, BUYER, sellerAlias, 'mail me at x.y@yahoo.com')).code).toBe(250);

    writeFileSync(file, rules('reject'));
    expect((await relay.parley.api.inject({ method: 'POST', url: '/v1/policy/reload', headers: admin })).json()).toEqual({ status: 'reloaded', rules: 1 });
    expect((await send(relay, BUYER, sellerAlias, 'mail me at x.y@yahoo.com')).code).toBe(550);
    const reviewerTry = await relay.parley.api.inject({ method: 'POST', url: '/v1/policy/reload', headers: reviewer });
    expect(reviewerTry.statusCode).toBe(403);
  });
});
