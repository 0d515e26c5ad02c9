// What bench messages say: the ordinary back-and-forth of an order, in English and Korean. Sentences are
// templates with slots (item, colour, day, feel) filled at random, so bodies differ in many word triples: the
// relay's bulk-mail rule holds a seller's 30th near-identical body of the day, and a bench drawing long bodies
// from a few fixed sentences would trip it. Nothing here is an address, a number, a link, a request to talk
// elsewhere, promotion or talk about reviews, so the default content policy delivers every message untouched.

const EN_SLOTS = {
  item: ['kettle', 'desk lamp', 'rain jacket', 'mug', 'backpack', 'wool scarf', 'teapot', 'cushion cover', 'leather wallet', 'picnic blanket', 'umbrella', 'notebook', 'glass vase', 'knit sweater', 'frying pan', 'water bottle', 'cutting board', 'tote bag', 'candle set', 'picture frame', 'bath towel', 'winter hat', 'phone stand', 'lunch box'],
  colour: ['white', 'grey', 'navy', 'olive', 'beige', 'charcoal', 'mustard', 'sky blue', 'forest green', 'burgundy', 'cream', 'black'],
  day: ['on Monday', 'on Tuesday', 'on Wednesday', 'on Thursday', 'on Friday', 'tomorrow morning', 'this afternoon', 'later this week', 'early next week', 'after the weekend'],
  feel: ['soft', 'sturdy', 'lighter than I expected', 'well made', 'a little stiff', 'smooth', 'warm', 'solid', 'neatly finished', 'heavier than it looks'],
};
const KO_SLOTS = {
  item: ['주전자', '스탠드', '바람막이', '머그컵', '백팩', '목도리', '찻주전자', '쿠션 커버', '가죽 지갑', '피크닉 매트', '우산', '노트', '유리 화병', '니트 스웨터', '프라이팬', '물병', '도마', '에코백', '향초 세트', '액자', '수건', '털모자', '도시락통'],
  colour: ['흰색', '회색', '남색', '올리브색', '베이지색', '차콜색', '겨자색', '하늘색', '초록색', '버건디색', '아이보리색', '검정색'],
  day: ['월요일', '화요일', '수요일', '목요일', '금요일', '내일 오전', '오늘 오후', '이번 주 후반', '다음 주 초', '주말 이후'],
  feel: ['부드럽고', '튼튼하고', '생각보다 가볍고', '마감이 깔끔하고', '조금 뻣뻣하지만 괜찮고', '매끄럽고', '따뜻하고', '묵직하고'],
};

const EN = [
  'Thank you for the quick reply about the {item}.',
  'The {item} arrived {day} and the box was in good shape.',
  'Could you tell me whether the {item} is safe for the dishwasher?',
  'I would like the {colour} one instead of the {colour} one if it has not left yet.',
  'The size chart says medium for the {item}, but my usual size is a small.',
  'We packed the {item} with extra paper so it should survive the trip.',
  'The courier picked up your {item} {day} and it should arrive soon.',
  'Please let us know if the handle of the {item} feels loose when it arrives.',
  'My sister liked the {colour} {item} so much that she wants the same model.',
  'We are sorry for the delay with the {item}; the warehouse was closed for the holiday.',
  'Is it possible to add a small card with a greeting for my mother to the {item}?',
  'The fabric of the {item} feels {feel} and the stitching looks very neat.',
  'We checked the stock and the {colour} {item} is available again.',
  'I noticed a small scratch on the side of the {item}, but it is hardly visible.',
  'If the {item} does not fit, we will gladly exchange it for another size.',
  'The parcel with the {item} was left with my neighbour {day}, so everything is fine.',
  'Could you wrap the {item} as a present, since it is for a birthday?',
  'The {colour} {item} works well, although the shade is warmer than in the photos.',
  'We will ship the replacement part for your {item} {day}.',
  'Thanks again for your patience while we sorted out the {item}.',
  'The {item} feels {feel}, which I actually like.',
  'Our team inspected the returned {item} and everything looks in order.',
];
const KO = [
  '{item} 관련해서 빠르게 답변해 주셔서 감사합니다.',
  '{day}에 {item} 잘 받았습니다. 포장이 아주 꼼꼼했어요.',
  '혹시 {item} 색상을 {colour}으로 바꿀 수 있을까요?',
  '주문하신 {item} 상품은 {day}에 출고될 예정입니다.',
  '{item} 사이즈가 조금 커서 한 치수 작은 것으로 교환하고 싶습니다.',
  '{item} 배송이 늦어져서 정말 죄송합니다. 창고 사정으로 출고가 지연되었습니다.',
  '{item} 선물용으로 포장해 주실 수 있을까요?',
  '{item} 설명서가 잘 되어 있어서 쉽게 조립했습니다.',
  '{item} 뚜껑이 식기세척기에 들어가도 괜찮은지 궁금합니다.',
  '교환하실 {item} 상품은 확인 후 {day}에 보내 드리겠습니다.',
  '{item} 옆면에 작은 흠집이 있지만 사용하는 데는 문제가 없습니다.',
  '어머니께서 {colour} {item} 색깔을 아주 마음에 들어 하셨어요.',
  '재고를 확인해 보니 {colour} {item} 상품이 다시 입고되었습니다.',
  '택배 기사님이 {item} 상자를 경비실에 맡겨 주셔서 잘 찾았습니다.',
  '기다려 주셔서 감사합니다. {item} 잘 쓰시길 바랍니다.',
  '{item} 원단이 {feel} 바느질도 깔끔합니다.',
  '반품된 {item} 상품을 검수했는데 이상이 없었습니다.',
];
const EN_SUBJECTS = ['Question about the {item}', 'Colour of the {item}', 'Shipping update for the {item}', 'Size of the {item}', 'Gift wrapping for the {item}', 'Delivery of the {item}'];
const KO_SUBJECTS = ['{item} 배송 문의드립니다', '{item} 색상 변경 요청', '{item} 교환 관련 질문', '{item} 선물 포장 문의', '{item} 도착 예정일 확인', '{item} 사이즈 문의'];

function pick<T>(list: readonly T[], rand: () => number): T {
  return list[Math.floor(rand() * list.length)]!;
}

function fill(template: string, slots: Record<string, string[]>, rand: () => number): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => pick(slots[slot]!, rand));
}

export interface OrderTalk {
  subject: string;
  /** Greeting, two paragraphs of order talk, closing with the sender's name; joined by blank lines. */
  paragraphs: string[];
}

/** About `bytes` of UTF-8 order talk (plus greeting and closing), in Korean or English. */
export function orderTalk(korean: boolean, senderName: string, bytes: number, rand: () => number): OrderTalk {
  const slots = korean ? KO_SLOTS : EN_SLOTS;
  const sentences: string[] = [];
  for (let size = 0; size < bytes; ) {
    const s = fill(pick(korean ? KO : EN, rand), slots, rand);
    sentences.push(s);
    size += Buffer.byteLength(s) + 1;
  }
  const half = Math.ceil(sentences.length / 2);
  return {
    subject: fill(pick(korean ? KO_SUBJECTS : EN_SUBJECTS, rand), slots, rand),
    paragraphs: [
      korean ? '안녕하세요.' : 'Hello,',
      sentences.slice(0, half).join(' '),
      sentences.slice(half).join(' '),
      korean ? `감사합니다.\n${senderName} 드림` : `Kind regards,\n${senderName}`,
    ].filter(Boolean),
  };
}
