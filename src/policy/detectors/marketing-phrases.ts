import { pattern, phraseSet, type PhrasePattern } from './phrases.js';
import { sentenceAfter } from './text-windows.js';

/**
 * Promotional wording. Single words ("sale", "discount", "할인") are order talk as often as promotion ("the
 * discount was applied", "세일 상품은 교환 불가"), so each pattern needs a promotional frame around the word.
 * Mentions of a discount already applied to this order are not promotion.
 */
const S = '\\s{1,2}';
const WB = '(?<![a-z])';
const K = '\\s?';
const APPLIED = /applied|used|deducted|included|reflected|적용|사용하신|사용되|반영|차감/;
const notApplied = (text: string, _start: number, end: number) => !APPLIED.test(sentenceAfter(text, end, 48));

const ENGLISH: PhrasePattern[] = [
  { kind: 'language', re: pattern(WB, `(?:coupon|promo|promotional|discount|voucher|gift)${S}codes?(?![a-z])`), accept: notApplied },
  { kind: 'language', re: pattern(WB, `use${S}(?:the${S}|my${S}|our${S})?code${S}[a-z0-9]{3,15}(?![a-z0-9])`) },
  {
    kind: 'language',
    re: pattern(WB, `(?:get|enjoy|take|save|extra|receive|claim|up${S}to)${S}(?:an${S}(?:extra${S})?)?\\d{1,3}\\s?%`),
    accept: notApplied,
  },
  {
    kind: 'language',
    re: pattern(
      '\\d{1,3}\\s?%',
      `${S}off${S}(?:your${S}next|all|everything|storewide|sitewide|site-wide|any|our|the${S}entire|entire|today|this${S}week|selected|select|orders?|purchases?)(?![a-z])`,
    ),
    accept: notApplied,
  },
  { kind: 'language', re: pattern(WB, `new${S}(?:collection|arrivals?|season${S}(?:items|styles|collection)|drops?|releases?|launch(?:es)?)(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `follow${S}us(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `(?:newsletter|mailing${S}list)(?![a-z])`) },
  // Footer wording; a buyer's "please unsubscribe me" is a request, not promotion.
  { kind: 'language', re: pattern(WB, `(?:(?:to|click${S}(?:here${S})?to)${S}unsubscribe|unsubscribe${S}(?:here|link|below|at${S}any))(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `subscribe${S}(?:to${S})?(?:our|my|the)(?![a-z])`) },
  {
    kind: 'language',
    re: pattern(
      WB,
      `(?:flash|summer|winter|spring|autumn|fall|holiday|clearance|black${S}friday|cyber${S}monday|big|mega|anniversary|year-end|end${S}of${S}season|seasonal|weekend|christmas|new${S}year)${S}sale(?![a-z])`,
    ),
  },
  { kind: 'language', re: pattern(WB, `sale${S}(?:ends|starts|now${S}on|is${S}(?:live|on)|event)(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `shop${S}(?:now|our${S}(?:new|latest|sale)|the${S}(?:new|sale|collection))(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `limited[\\s-]{1,2}time${S}(?:offer|deal|only|discount|sale)`) },
  { kind: 'language', re: pattern(WB, `exclusive${S}(?:offer|deal|discount|coupon|sale|access)s?(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `(?:buy${S}one,?${S}get${S}one|bogo)(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `(?:check${S}out|visit|browse|explore)${S}our${S}(?:new|latest|other|store|shop|instagram|website|collection|catalog|page)(?![a-z])`) },
  { kind: 'language', re: pattern(WB, `don'?t${S}miss${S}(?:out|our)(?![a-z])`), negatable: false },
  { kind: 'language', re: pattern(WB, `join${S}our${S}(?:mailing${S}list|vip|loyalty|community|club|members)`) },
  { kind: 'language', re: pattern(WB, `free${S}(?:shipping|gift)${S}(?:on|with)${S}(?:all|every|orders|your${S}next|any)(?![a-z])`) },
];

const KOREAN: PhrasePattern[] = [
  { kind: 'language', re: pattern(`쿠폰${K}(?:코드|번호|발급|증정|드립니다|드려요|드릴게요|받으세요|지급|다운|받기|팩|선물)`), accept: notApplied },
  { kind: 'language', re: pattern(`할인${K}(?:코드|쿠폰|이벤트|행사|혜택|특가|찬스)`), accept: notApplied },
  { kind: 'language', re: pattern(`\\d{1,3}\\s?%${K}(?:할인|세일|off|적립)`), accept: notApplied },
  { kind: 'language', re: pattern(`(?:신상품?|신제품|신규${K}컬렉션|새${K}컬렉션|뉴${K}컬렉션)${K}(?:이|가|을|를)?${K}(?:출시|입고|오픈|런칭|소개|업데이트|나왔)`) },
  { kind: 'language', re: pattern('팔로우|팔로잉') },
  { kind: 'language', re: pattern(`(?:인스타|인스타그램|블로그|채널|유튜브|스토어|스마트스토어)${K}(?:도|를|을)?${K}(?:구독|방문|놀러|찜|알림${K}받기|소식)`) },
  { kind: 'language', re: pattern(`이벤트${K}(?:를|가)?${K}(?:진행|참여|안내|오픈|당첨|응모)`) },
  { kind: 'language', re: pattern(`특가|타임${K}세일|반값|기획전|오픈${K}기념|감사${K}세일|최대${K}\\d{1,3}\\s?%|세일${K}(?:중|진행|합니다|해요|시작|행사)`) },
  { kind: 'language', re: pattern(`뉴스레터|(?:소식|혜택|알림)${K}받기|수신${K}거부`) },
  { kind: 'language', re: pattern(`(?:다른|추가|새로운?)${K}상품(?:도|들도)?${K}(?:구경|둘러|보러|확인해${K}보)`) },
  { kind: 'language', re: pattern(`구독${K}(?:하고|하시면|해${K}주|부탁|버튼)|스토어${K}찜`) },
];

export const marketingPhrases = phraseSet([...ENGLISH, ...KOREAN]);
