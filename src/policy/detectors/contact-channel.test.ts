import { describe, expect, it } from 'vitest';
import { contactChannelDetector } from './contact-channel.js';
import { textView, type ScanContext } from './detector.js';

const detector = contactChannelDetector({ defaultRegion: 'KR', allowLinkDomains: ['coupang.com', 'cjlogistics.com'] });
const ctx: ScanContext = { direction: 'seller_to_buyer', aliasDomain: 'relay.test', knownAddresses: new Map() };
const found = (text: string, origin: 'body' | 'file-name' = 'body') =>
  detector.inspectText(textView(text, origin), ctx).map((h) => [h.kind, text.slice(h.start, h.end)]);

describe('contact-channel detector', () => {
  it.each([
    ['call 010-1234-5678 today', '010-1234-5678'],
    ['my cell +1 415 555 2671', '+1 415 555 2671'],
    ['매장 전화 02-555-1234', '02-555-1234'],
    ['고객센터 1588-4321 입니다', '1588-4321'],
    ['전화 ０１０-１２３４-５６７８', '０１０-１２３４-５６７８'],
  ])('when a phone number is written ("%s"), then it is found', (text, match) => {
    expect(found(text)).toEqual([['phone', match]]);
  });

  it('when a long number follows a contact cue but libphonenumber rejects it, then it counts as a digit run', () => {
    expect(found('call me 8613812345678')).toEqual([['digits', '8613812345678']]);
  });

  it('when digits are spelled out, then they count as a phone number', () => {
    expect(found('공일공 일이삼사 오육칠팔')).toEqual([['digits', '공일공 일이삼사 오육칠팔']]);
    expect(found('zero one zero one two three four five six seven')[0]?.[0]).toBe('digits');
  });

  it.each([
    'order #20240315-000123 ships 2024-03-15',
    '주문번호 2024031512345 확인',
    '운송장 번호는 568912345678 이며',
    'tracking 6071 2345 6789',
    'UPS 1Z999AA10123456784',
    'price ₩45,000 or $129.99, SKU-8841-1234-5678',
    'see https://www.coupang.com/vp/products/005105058',
    'business registration number 220-81-62517',
    '환불 계좌 국민은행 123456-01-234567',
    'track it at https://trace.cjlogistics.com/web/detail.jsp?slipno=568912345678',
  ])('when order talk has numbers ("%s"), then nothing is found', (text) => {
    expect(found(text)).toEqual([]);
  });

  it.each([
    ['chat on wa.me/821012345678', 'wa.me/821012345678'],
    ['join t.me/kshop_deals', 't.me/kshop_deals'],
    ['오픈채팅 open.kakao.com/o/sAbC123', 'open.kakao.com/o/sabc123'],
    ['Kakao ID: shop_kr88', 'kakao id: shop_kr88'],
    ['Add me on KakaoTalk, ID: bootshop_kr77', 'kakaotalk, id: bootshop_kr77'],
    ['WeChat: lee_store88', 'wechat: lee_store88'],
    ['LINE ID @kbeautyshop', 'line id @kbeautyshop'],
    ['skype:live.cedar?chat', 'skype:live.cedar?chat'],
  ])('when a messenger link or handle is given ("%s"), then it is a messenger finding', (text, match) => {
    const hits = found(text);
    expect(hits).toHaveLength(1);
    expect(hits[0]![0]).toBe('messenger');
    expect(hits[0]![1]!.toLowerCase()).toBe(match);
  });

  it('when a link leaves the allow-list, then it is found; the marketplace and carriers are not', () => {
    expect(found('see www.weaverskorea.com/gallery and https://www.coupang.com/vp/1')).toEqual([['link', 'www.weaverskorea.com/gallery']]);
  });

  it('when a dotted word is part of an address, written plainly or disguised, then it is not a link', () => {
    expect(found('olivia.shop at gmail dot com or tomas.retail.kr@gmail.com')).toEqual([]);
  });

  it('when prose mentions a messenger without an id, then nothing is found', () => {
    expect(found('signal is weak here; the first line of the manual')).toEqual([]);
  });

  it('when a file name spells a number with dashes, then it is found', () => {
    expect(found('call-me-010-5566-7788.jpg', 'file-name')).toEqual([['phone', '010-5566-7788']]);
  });
});
