/** Korean building blocks for generated corpus messages; see pools-en.ts. */
import type { Label } from './load-corpus.js';
import { digits, pick, type Make, type Snippet } from './pools-en.js';

const clean = (text: string): Snippet => ({ text, labels: [] });
const v = (text: string, ...labels: Label[]): Snippet => ({ text, labels });

export const KO_NAMES = ['김서연', '이민준', '박지은', '최도윤', '정하은', '강지호', '윤서준', '임수아', '한예린', '오시우', '서지민', '신유나'];
export const KO_SHOPS = ['한빛도자기', '린넨하우스', '달빛차', '소소공방', '모던키친', '하루꽃집', '바른가죽', '숲속향기'];
const LOCALS = ['minsu123', 'hanbit.shop', 'sora.kim', 'jiwoo95', 'bestseller', 'dalbit.tea', 'soso_craft', 'modern.kitchen'];
const KO_PROVIDERS: [string, string][] = [['네이버', 'naver'], ['지메일', 'gmail'], ['다음', 'daum'], ['한메일', 'hanmail'], ['네이트', 'nate']];

const won = (r: () => number) => `${(Math.floor(r() * 90) + 10) * 1000}`.replace(/(\d)(\d{3})$/, '$1,$2') + '원';
const orderNo = (r: () => number) => pick(r, [`${digits(r, 13)}`, `2024${digits(r, 4)}-${digits(r, 7)}`, `${digits(r, 8)}-${digits(r, 6)}`]);
const waybill = (r: () => number) => pick(r, [digits(r, 12), `${digits(r, 4)}-${digits(r, 4)}-${digits(r, 4)}`, `${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)}`, `${digits(r, 13)}`]);
const day = (r: () => number) => pick(r, [`${1 + Math.floor(r() * 12)}월 ${1 + Math.floor(r() * 28)}일`, `2024.0${1 + Math.floor(r() * 9)}.${10 + Math.floor(r() * 18)}`, `${1 + Math.floor(r() * 12)}/${1 + Math.floor(r() * 28)}`]);
const mobile = (r: () => number) => pick(r, [`010-${digits(r, 4)}-${digits(r, 4)}`, `010 ${digits(r, 4)} ${digits(r, 4)}`, `010${digits(r, 8)}`, `010.${digits(r, 4)}.${digits(r, 4)}`]);
const code = (r: () => number) => `${pick(r, ['HB', 'LN', 'DT', 'MK'])}-${digits(r, 3)}-${pick(r, ['GRY', 'BEI', 'BLK'])}`;

export const KO_GREETINGS = ['안녕하세요, {name}님.', '{name} 고객님, 안녕하세요.', '고객님 안녕하세요!', '안녕하세요.', '{name}님, 문의 주셔서 감사합니다.', '안녕하세요 사장님.', '수고 많으십니다.'];
export const KO_SELLER_CLOSINGS = ['감사합니다.\n{shop} 드림', '좋은 하루 보내세요!\n{shop}', '늘 감사드립니다.\n{shop}', '{shop} 올림', '감사합니다 :)'];
export const KO_BUYER_CLOSINGS = ['감사합니다.', '답변 부탁드려요.', '수고하세요~', '{name} 드림', '빠른 확인 부탁드립니다.'];

export const KO_SELLER_CONTEXT: Make[] = [
  (r) => clean(`주문하신 상품(주문번호 ${orderNo(r)})은 오늘 출고되었습니다.`),
  (r) => clean(`운송장 번호는 ${waybill(r)} 입니다. 조회는 내일부터 가능합니다.`),
  (r) => clean(`결제 금액 ${won(r)} 확인되었습니다.`),
  (r) => clean(`상품코드 ${code(r)} 는 ${day(r)} 재입고 예정입니다.`),
  (r) => clean(`교환 상품은 ${day(r)}에 발송해 드리겠습니다.`),
  (r) => clean(`환불 금액 ${won(r)}은 카드사 사정에 따라 3~5영업일 후 반영됩니다.`),
  () => clean('주말에는 출고가 되지 않는 점 양해 부탁드립니다.'),
  () => clean('제품 크기는 가로 30cm, 세로 20cm, 높이 12cm 입니다.'),
  (r) => clean(`배송 조회는 https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=${digits(r, 12)} 에서 하실 수 있습니다.`),
  (r) => clean(`상품 페이지: https://www.coupang.com/vp/products/${digits(r, 9)}`),
  () => clean('파손 방지를 위해 에어캡으로 이중 포장했습니다.'),
  () => clean('보증 기간은 구매일로부터 1년입니다.'),
  (r) => clean(`오후 ${1 + Math.floor(r() * 5)}시 이전 주문 건은 당일 출고됩니다.`),
  () => clean('반품 시 상품 택을 제거하지 말아 주세요.'),
];

export const KO_BUYER_CONTEXT: Make[] = [
  (r) => clean(`${day(r)}에 주문했는데 아직 배송 준비 중이에요. 주문번호 ${orderNo(r)} 입니다.`),
  (r) => clean(`운송장 번호 ${waybill(r)} 로 조회가 안 됩니다.`),
  () => clean('사이즈가 생각보다 작아서 한 치수 큰 걸로 교환하고 싶어요.'),
  (r) => clean(`결제는 ${won(r)} 했는데 영수증에는 다르게 나와요.`),
  () => clean('박스가 찌그러져서 왔고 컵 하나에 금이 가 있어요.'),
  () => clean('선물용이라 가격표는 빼고 보내 주실 수 있나요?'),
  () => clean('배송 전이면 색상을 베이지로 바꿀 수 있을까요?'),
  () => clean('경비실에 맡겨 주세요. 공동현관 비밀번호는 1234# 입니다.'),
  () => clean('충전은 몇 시간 정도 해야 하나요?'),
];

export const KO_SELLER_NEGATIVES: Make[] = [
  () => clean('마켓 정책상 이메일이나 전화번호 같은 개인 연락처는 공유할 수 없습니다. 이 메시지로 편하게 문의해 주세요.'),
  () => clean('바쁘지 않으시면 상품 후기를 남겨 주시면 다른 고객님들께 도움이 됩니다.'),
  () => clean('정성스러운 리뷰 남겨 주셔서 감사합니다!'),
  () => clean('할인 쿠폰은 결제 시 자동으로 적용되었습니다.'),
  () => clean('세일 상품은 단순 변심 교환이 어렵습니다.'),
  () => clean('리뷰는 고객님의 솔직한 의견 그대로 남겨 주시면 됩니다. 수정이나 삭제를 요청드리지 않습니다.'),
  () => clean('사업자등록번호는 220-81-62517 입니다.'),
  (r) => clean(`주문번호 0${digits(r, 10)} 로 고객센터 게시판에 남겨 주시면 확인해 드립니다.`),
];

export const KO_BUYER_NEGATIVES: Make[] = [
  (r) => clean(`환불은 신한은행 110-${digits(r, 3)}-${digits(r, 6)} 으로 부탁드립니다.`),
  () => clean('리뷰는 이미 별점 5점으로 남겼어요. 감사합니다!'),
  () => clean('여기서는 연락처 교환이 안 되는 거 알고 있어서 메시지로 남깁니다.'),
];

export const KO_FOREIGN: Make[] = [
  (r) => v(`자세한 내용은 ${pick(r, LOCALS)}@${pick(r, ['naver.com', 'gmail.com', 'daum.net', 'hanmail.net'])} 로 메일 주세요.`, 'foreign-address'),
  (r) => v(`제 메일은 ${pick(r, LOCALS)}@${pick(r, ['naver.com', 'kakao.com', 'nate.com'])} 입니다.`, 'foreign-address'),
  (r) => v(`사진은 ${pick(r, LOCALS)}@${pick(r, ['gmail.com', 'naver.com'])}으로 보내 주셔도 돼요.`, 'foreign-address'),
];

export const KO_OBFUSCATED: Make[] = [
  (r) => {
    const [ko] = pick(r, KO_PROVIDERS);
    return v(`메일 주소: ${pick(r, LOCALS)} 골뱅이 ${ko} 닷컴`, 'foreign-address', 'obfuscated-address');
  },
  (r) => {
    const [ko] = pick(r, KO_PROVIDERS);
    return v(`${pick(r, LOCALS)} 앳 ${ko} 점 컴 으로 연락 주세요`, 'foreign-address', 'obfuscated-address');
  },
  (r) => v(`${pick(r, LOCALS)}골뱅이${pick(r, ['gmail', 'naver'])}닷컴 으로 보내 주세요.`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`이메일 ${pick(r, LOCALS)}＠${pick(r, ['naver', 'gmail'])}．com 입니다`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`네이버 아이디 ${pick(r, ['shopkim77', 'hanbit_22', 'sora.k'])} 로 메일 주세요`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`${pick(r, LOCALS)} (at) ${pick(r, ['naver', 'daum'])} (dot) net 로 견적 요청 주세요.`, 'foreign-address', 'obfuscated-address'),
];

export const KO_CHANNEL: Make[] = [
  (r) => v(`급하시면 ${mobile(r)} 로 전화 주세요.`, 'contact-channel'),
  (r) => v(`제 번호는 ${mobile(r)} 입니다.`, 'contact-channel'),
  (r) => v(`카톡 아이디: ${pick(r, ['hanbit_shop', 'sora1004', 'kitchen_mk'])}`, 'contact-channel'),
  (r) => v(`오픈채팅 https://open.kakao.com/o/${pick(r, ['sHbK29dF', 'gQw81Lp', 'zzTop77'])} 로 들어오세요.`, 'contact-channel'),
  (r) => v(`자체몰 www.${pick(r, ['linenhouse.co.kr', 'dalbittea.com', 'sosocraft.kr'])} 에서 더 많은 상품을 보실 수 있어요.`, 'contact-channel'),
  () => v('번호는 공일공 일이삼사 오육칠팔 이에요.', 'contact-channel'),
  (r) => v(`텔레그램 @${pick(r, ['hanbit_official', 'sora_deals', 'mk_kitchen'])} 로 메시지 주세요.`, 'contact-channel'),
  (r) => v(`매장 전화 02-${digits(r, 3)}-${digits(r, 4)} (평일 10~18시)`, 'contact-channel'),
];

export const KO_REQUEST: Make[] = [
  () => v('연락처 알려 주시면 기사님이 직접 연락드릴 거예요.', 'contact-request'),
  () => v('전화번호 좀 알려주실 수 있나요?', 'contact-request'),
  () => v('카톡으로 연락 주시면 사진 보내드릴게요.', 'contact-request'),
  () => v('개인 메일로 연락 주시면 견적서 보내드리겠습니다.', 'contact-request'),
  () => v('이메일 주소 알려주시면 설명서 파일 보내드릴게요.', 'contact-request'),
  () => v('따로 문자 주시면 바로 답장 드릴게요.', 'contact-request'),
  () => v('다음 주문부터는 직거래로 하시면 더 싸게 드릴 수 있어요.', 'contact-request'),
  () => v('핸드폰 번호 남겨 주시면 통화로 안내드리겠습니다.', 'contact-request'),
  () => v('라인으로 대화 가능하실까요?', 'contact-request'),
];

export const KO_MARKETING: Make[] = [
  () => v('신상품이 출시되었습니다! 오픈 기념 전 품목 20% 할인 중이에요.', 'marketing'),
  () => v('인스타그램 팔로우하시면 매주 이벤트 소식을 받아 보실 수 있어요.', 'marketing'),
  () => v('할인 쿠폰 코드 SPRING10 을 입력하시면 추가 할인됩니다.', 'marketing'),
  () => v('블랙프라이데이 특가 진행 중! 최대 60% 세일.', 'marketing'),
  () => v('스토어 찜하고 신상 알림 받기 잊지 마세요.', 'marketing'),
  () => v('구매 고객님께 5,000원 할인 쿠폰을 드립니다. 다음 주문에 사용하세요!', 'marketing'),
  () => v('뉴스레터를 구독하시면 신제품 소식을 가장 먼저 받아 보실 수 있습니다.', 'marketing'),
  () => v('다른 상품도 구경해 보세요. 새로운 컬렉션이 입고되었어요.', 'marketing'),
];

export const KO_REVIEW: Make[] = [
  () => v('불편 드려 죄송합니다. 재발송해 드렸으니 리뷰 삭제 부탁드립니다.', 'review-manipulation'),
  () => v('좋은 리뷰 남겨 주시면 다음 주문 때 사은품 챙겨 드릴게요.', 'review-manipulation'),
  () => v('별점 5점 부탁드려요!', 'review-manipulation'),
  () => v('포토 후기 작성 시 적립금 2,000원 드립니다.', 'review-manipulation'),
  () => v('후기 수정해 주시면 배송비 환불해 드리겠습니다.', 'review-manipulation'),
  () => v('리뷰 좋게 써 주시면 정말 감사하겠습니다.', 'review-manipulation'),
  () => v('구매평 내려 주시면 전액 환불 처리해 드릴게요.', 'review-manipulation'),
  () => v('만점 리뷰 남겨 주세요~ 작은 가게에 큰 힘이 됩니다.', 'review-manipulation'),
];
