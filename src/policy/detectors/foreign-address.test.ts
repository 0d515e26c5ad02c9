import { describe, expect, it } from 'vitest';
import type { ScanContext } from './detector.js';
import { textView } from './detector.js';
import { foreignAddressDetector } from './foreign-address.js';

const detector = foreignAddressDetector({ allowDomains: ['coupang.com'] });
const ctx: ScanContext = { direction: 'seller_to_buyer', aliasDomain: 'relay.test', knownAddresses: new Map([['owner@mine.kr', 'a1@relay.test']]) };
const found = (text: string) => detector.inspectText(textView(text), ctx).map((h) => ({ match: text.slice(h.start, h.end), obfuscated: h.obfuscated, kind: h.kind }));

describe('foreign-address detector', () => {
  it('when an address is written plainly, also in mailto: or before a full stop, then it is found as written', () => {
    expect(found('reach me at john@x.com')).toEqual([{ match: 'john@x.com', obfuscated: false, kind: 'address' }]);
    expect(found('mailto:Kim.Lee@Naver.com. Thanks')).toEqual([{ match: 'Kim.Lee@Naver.com', obfuscated: false, kind: 'address' }]);
  });

  it.each([
    ['john at gmail dot com', 'john at gmail dot com'],
    ['john [at] gmail [dot] com', 'john [at] gmail [dot] com'],
    ['john(at)gmail(dot)com', 'john(at)gmail(dot)com'],
    ['j o h n @ g m a i l . c o m', 'j o h n @ g m a i l . c o m'],
    ['john＠gmail．com', 'john＠gmail．com'],
    ['john 골뱅이 gmail 닷컴', 'john 골뱅이 gmail 닷컴'],
    ['john 앳 지메일 점 컴', 'john 앳 지메일 점 컴'],
    ['p.nguyen[at]gmail[.]com', 'p.nguyen[at]gmail[.]com'],
    ['jo\u200bhn@gmail.com', 'jo\u200bhn@gmail.com'],
    ['jоhn@gmail.com', 'jоhn@gmail.com'],
    ['sora 점 kim 골뱅이 네이버 닷컴', 'kim 골뱅이 네이버 닷컴'],
  ])('when the address is disguised as "%s", then it is found and marked obfuscated', (text, match) => {
    expect(found(`my mail: ${text} thanks`)).toEqual([{ match, obfuscated: true, kind: 'address' }]);
  });

  it('when a provider is named with a mailbox name, then it counts as a disguised address', () => {
    expect(found('my gmail is kim.jisoo88')).toEqual([{ match: 'gmail is kim.jisoo88', obfuscated: true, kind: 'provider-handle' }]);
    expect(found('네이버 아이디 shopkim77 로 주세요')[0]?.kind).toBe('provider-handle');
    expect(found('my gmail is down today')).toEqual([]);
  });

  it.each([
    'order at 3 pm dot',
    'find us at shop.com',
    'price @ amazon.com',
    'applied at checkout. My order',
    'we are at www.shop.kr',
    'ping me on insta, it\'s @woodnote.kr',
    'version 2 @ 5.99 each',
  ])('when prose only resembles an address ("%s"), then nothing is found', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('when the address is on the alias domain, an allowed domain or a known party address, then it is not foreign', () => {
    expect(found('reply to x7k2@relay.test or help@coupang.com or Owner@Mine.kr')).toEqual([]);
  });

  it('when a known party address is disguised, then it is still evasion', () => {
    expect(found('owner at mine dot kr')).toEqual([{ match: 'owner at mine dot kr', obfuscated: true, kind: 'address' }]);
  });
});
