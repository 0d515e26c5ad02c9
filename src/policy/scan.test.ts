import { describe, expect, it } from 'vitest';
import { defaultEngine, scanInput } from '../../test/policy/helpers.js';

describe('PolicyEngine.scan with the shipped policy', () => {
  it('when a seller writes ordinary order talk, then the message is delivered untouched', async () => {
    const v = await defaultEngine().scan(scanInput({ text: 'Your order #20240315-000123 shipped with CJ, tracking 568912345678, total ₩45,000.' }));
    expect(v).toEqual({ action: 'deliver', findings: [], tags: [] });
  });

  it('when a seller gives an address, then it is held; when a buyer does, then it is masked', async () => {
    const engine = defaultEngine();
    const text = 'write to kim.shop@gmail.com';
    const seller = await engine.scan(scanInput({ text }));
    expect(seller.action).toBe('hold');
    expect(seller.findings[0]).toMatchObject({ ruleId: 'seller-foreign-address', part: 'text', start: 9, end: 27, match: 'kim.shop@gmail.com' });
    const buyer = await engine.scan(scanInput({ direction: 'buyer_to_seller', text }));
    expect(buyer.action).toBe('deliver');
    expect(engine.applyMasks({ subject: 'x', text }, buyer).text).toBe('write to [contact details removed]');
  });

  it('when an address is disguised, then the message is rejected in either direction', async () => {
    const v = await defaultEngine().scan(scanInput({ direction: 'buyer_to_seller', text: 'mail kim 골뱅이 naver 닷컴' }));
    expect(v.action).toBe('reject');
    expect(v.findings[0]).toMatchObject({ ruleId: 'obfuscated-address', obfuscated: true, match: 'kim 골뱅이 naver 닷컴' });
  });

  it('when a party quotes its own known address, then it is replaced by the alias and not reported as foreign', async () => {
    const engine = defaultEngine();
    const text = 'Thanks!\n\nOn Mon <Jisoo.Kim@gmail.com> wrote:\n> hi';
    const v = await engine.scan(scanInput({ direction: 'buyer_to_seller', text, knownAddresses: [{ address: 'jisoo.kim@gmail.com', alias: 'b7x2@relay.test' }] }));
    expect(v.action).toBe('deliver');
    expect(v.findings.map((f) => [f.ruleId, f.detector])).toEqual([['known-address-alias', 'known-address']]);
    expect(engine.applyMasks({ subject: '', text }, v).text).toBe('Thanks!\n\nOn Mon <b7x2@relay.test> wrote:\n> hi');
  });

  it('when HTML carries an address in an attribute and across tags, then offsets point into the raw HTML and masking keeps markup', async () => {
    const engine = defaultEngine();
    const html = '<p>Mail <a href="mailto:kim%40gmail.com">me</a> or lee<b>@</b>naver.com</p>';
    const v = await engine.scan(scanInput({ direction: 'buyer_to_seller', html }));
    expect(v.findings.map((f) => f.match)).toEqual(['kim%40gmail.com', 'lee<b>@</b>naver.com']);
    expect(engine.applyMasks({ subject: '', html }, v).html).toBe(
      '<p>Mail <a href="mailto:[contact details removed]">me</a> or [contact details removed]<b></b></p>',
    );
  });

  it('when a buyer\'s address is in an attachment, then the mask cannot be applied and the message is held', async () => {
    const v = await defaultEngine().scan(
      scanInput({ direction: 'buyer_to_seller', attachments: [{ filename: 'me.txt', contentType: 'text/plain', content: Buffer.from('a.kim@gmail.com') }] }),
    );
    expect(v.action).toBe('hold');
    expect(v.findings[0]).toMatchObject({ part: 'attachment[0]', action: 'hold', escalated: 'unmaskable-part' });
  });

  it('when a buyer asks for contact details, then the message is delivered with a tag', async () => {
    const v = await defaultEngine().scan(scanInput({ direction: 'buyer_to_seller', text: 'Can I get your personal email?' }));
    expect(v).toMatchObject({ action: 'deliver', tags: ['buyer-contact-request'] });
  });
});
