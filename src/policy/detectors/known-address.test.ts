import { describe, expect, it } from 'vitest';
import { textView, type ScanContext } from './detector.js';
import { knownAddressDetector } from './known-address.js';

const ctx: ScanContext = {
  direction: 'buyer_to_seller',
  aliasDomain: 'relay.test',
  knownAddresses: new Map([
    ['jisoo.kim@gmail.com', 'b7x2@relay.test'],
    ['shop@moontea.kr', 's9q1@relay.test'],
  ]),
};
const found = (text: string) => knownAddressDetector().inspectText(textView(text), ctx).map((h) => [text.slice(h.start, h.end), h.replacement]);

describe('known-address detector', () => {
  it('when a party quotes or signs with a known address, in any case, then it is found with its alias', () => {
    expect(found('On Mon, <JISOO.KIM@gmail.com> wrote:\n--\nMoon Tea | shop@moontea.kr')).toEqual([
      ['JISOO.KIM@gmail.com', 'b7x2@relay.test'],
      ['shop@moontea.kr', 's9q1@relay.test'],
    ]);
  });

  it('when another address merely contains a known one, then it is not matched', () => {
    expect(found('xjisoo.kim@gmail.com and shop@moontea.kr.evil.net and shop@moontea.krx')).toEqual([]);
  });

  it('when the text has no known address, then nothing is found', () => {
    expect(found('no addresses here, only jisoo and gmail')).toEqual([]);
  });

  it('when the text contains a dotless-i that lower-cases longer, then offsets still point at the original', () => {
    const text = 'İİ shop@moontea.kr';
    expect(found(text)).toEqual([['shop@moontea.kr', 's9q1@relay.test']]);
  });
});
