import { describe, expect, it } from 'vitest';
import { textView, type ScanContext } from './detector.js';
import { reviewManipulationDetector } from './review-manipulation.js';

const ctx: ScanContext = { direction: 'seller_to_buyer', aliasDomain: 'relay.test', knownAddresses: new Map() };
const kinds = (text: string) => reviewManipulationDetector().inspectText(textView(text), ctx).map((h) => h.kind);

describe('review-manipulation detector', () => {
  it.each([
    ['Please remove your negative review.', 'remove-or-change'],
    ['Would you consider updating your 1-star rating?', 'remove-or-change'],
    ['Kindly take the bad review down.', 'remove-or-change'],
    ['Leave us 5 stars!', 'positive-review'],
    ['We would appreciate a positive review.', 'positive-review'],
    ['We will refund $10 if you leave a review.', 'incentive'],
    ['리뷰 삭제해 주시면 감사하겠습니다', 'remove-or-change'],
    ['별점 5점 부탁드려요', 'positive-review'],
    ['포토 리뷰 작성 시 적립금 3,000원 지급', 'incentive'],
  ])('when a seller influences reviews ("%s"), then it fires as %s', (text, kind) => {
    expect(kinds(text)).toContain(kind);
  });

  it('when a remove request and a refund offer are one sentence, then both readings are reported', () => {
    expect(kinds('리뷰 삭제해 주시면 환불해 드릴게요')).toEqual(['remove-or-change', 'incentive']);
  });

  it.each([
    'If you have a moment, a review on the marketplace helps other buyers.',
    'Thanks for the great review!',
    'We will never ask you to change or remove a review.',
    'If you would like a refund, send a photo; your feedback helps us improve.',
    'If you are happy, feel free to leave a review.',
    'Your return is under review.',
    '리뷰 수정했어요. 감사합니다!',
    '별점 5점 드렸습니다',
    '소중한 리뷰 남겨 주셔서 감사합니다!',
  ])('when a review is only mentioned, thanked for or asked for neutrally ("%s"), then it does not fire', (text) => {
    expect(kinds(text)).toEqual([]);
  });
});
