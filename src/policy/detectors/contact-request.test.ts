import { describe, expect, it } from 'vitest';
import { contactRequestDetector } from './contact-request.js';
import { textView, type ScanContext } from './detector.js';

const ctx: ScanContext = { direction: 'seller_to_buyer', aliasDomain: 'relay.test', knownAddresses: new Map() };
const fires = (text: string, origin: 'body' | 'subject' = 'body') => contactRequestDetector().inspectText(textView(text, origin), ctx).length > 0;

describe('contact-request detector', () => {
  it.each([
    'Please send me your email.',
    'What is your personal email?',
    'Contact me directly at my office.',
    "What's the best email to send references to?",
    'Could you give me a number to call?',
    "Let's move this conversation to KakaoTalk.",
    'Do you have WhatsApp?',
    'We could handle the next order outside the marketplace.',
    'Would you sell it if I pay you directly?',
    'hit me up on LINE',
    '이메일 주소 알려주세요',
    '개인 메일로 연락 주세요',
    '카톡으로 연락 주세요',
    '사장님 카톡 되세요?',
    '번호 알려주시면 제가 전화드릴게요.',
    '수수료 아끼게 계좌로 직접 입금하면 안 될까요?',
  ])('when a message asks to move off the relay ("%s"), then it fires', (text) => {
    expect(fires(text)).toBe(true);
  });

  it.each([
    'We cannot share email addresses here.',
    'Please never send your phone number in messages.',
    "Don't hesitate to write here if anything is unclear.",
    'Could you send me your address? The courier needs the apartment number.',
    'Please tell me your order number.',
    'You can contact us any time through this thread.',
    'Payments made outside the platform are not protected.',
    '마켓 정책상 이메일 주소는 알려드릴 수 없습니다.',
    '주문번호 알려주세요.',
    '메일 보내 주세요.',
  ])('when order talk or a refusal mentions contact details ("%s"), then it does not fire', (text) => {
    expect(fires(text)).toBe(false);
  });

  it('when the request only appears in a quoted line or a reply subject, then it is the other party\'s words', () => {
    expect(fires('Sure!\n> can I get your email?')).toBe(false);
    expect(fires('Re: Can I get your email?', 'subject')).toBe(false);
    expect(fires('Can I get your email?', 'subject')).toBe(true);
  });
});
