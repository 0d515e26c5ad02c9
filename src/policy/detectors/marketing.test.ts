import { describe, expect, it } from 'vitest';
import { lmdbCounter as counter } from '../../../test/policy/helpers.js';
import { readHtml } from '../html-view.js';
import { textView, type MessageFacts, type ScanContext } from './detector.js';
import { marketingDetector } from './marketing.js';


const ctx = (direction: 'seller_to_buyer' | 'buyer_to_seller' = 'seller_to_buyer'): ScanContext => ({ direction, aliasDomain: 'relay.test', knownAddresses: new Map() });
const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({ sellerId: 's1', day: '2026-11-23', headers: new Map(), bodyText: '', ...over });
const longBody = 'dear customer thank you for being part of our story every piece in our workshop is thrown by hand and glazed in small batches';

describe('marketing detector', () => {
  const detector = marketingDetector({ duplicateThreshold: 30, duplicateMinWords: 20 }, { countSimilar: () => Promise.reject(new Error('not counted here')) });
  const fires = (text: string) => detector.inspectText(textView(text), ctx()).length > 0;

  it.each(['Use code SPRING20 for 20% off your next order', 'Follow us on Instagram', 'Our new collection is here', 'Subscribe to our newsletter', '신상품 출시! 전 품목 20% 할인', '인스타그램 팔로우 부탁드려요', '이벤트 진행 중입니다'])(
    'when promotional wording appears ("%s"), then it fires',
    (text) => expect(fires(text)).toBe(true),
  );

  it.each(['The 10% coupon you used was applied at checkout.', 'Sale items cannot be refunded.', '할인 쿠폰이 적용되었습니다.', '세일 상품은 교환이 어렵습니다.', 'The discount is shown on the product page.'])(
    'when a discount is order talk ("%s"), then it does not fire',
    (text) => expect(fires(text)).toBe(false),
  );

  it('when mailing-list headers are present, then each is a finding on its header', async () => {
    const headers = new Map([
      ['list-unsubscribe', ['<https://x.kr/u>']],
      ['precedence', ['bulk']],
    ]);
    const hits = await detector.inspectMessage!(facts({ headers }), ctx());
    expect(hits.map((h) => [h.kind, h.part, h.match])).toEqual([
      ['list-header', 'header:list-unsubscribe', '<https://x.kr/u>'],
      ['list-header', 'header:precedence', 'bulk'],
    ]);
  });

  it('when HTML has a 1x1 or hidden remote image, then it is a tracking pixel; a logo is not', async () => {
    const html = readHtml('<img src="https://t.x/p.gif" width="1" height="1"><img src="//t.x/q.gif" style="display:none"><img src="https://x/logo.png" width="120" height="40">');
    const hits = await detector.inspectMessage!(facts({ html }), ctx());
    expect(hits.map((h) => h.kind)).toEqual(['tracking-pixel', 'tracking-pixel']);
  });

  it('when a seller sends the same long body to many buyers in a day, then the copy reaching the threshold is bulk', async () => {
    const d = marketingDetector({ duplicateThreshold: 3, duplicateMinWords: 20 }, counter());
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push((await d.inspectMessage!(facts({ bodyText: `${longBody} order ${i}` }), ctx())).map((h) => h.kind));
    expect(kinds).toEqual([[], [], ['bulk']]);
  });

  it('when a buyer writes, or the body is short, then nothing is counted toward the seller', async () => {
    const c = counter();
    const d = marketingDetector({ duplicateThreshold: 2, duplicateMinWords: 20 }, c);
    await d.inspectMessage!(facts({ bodyText: longBody }), ctx('buyer_to_seller'));
    await d.inspectMessage!(facts({ bodyText: 'thanks, shipped today' }), ctx());
    expect(await d.inspectMessage!(facts({ bodyText: longBody }), ctx())).toEqual([]);
  });
});
