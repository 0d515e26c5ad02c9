import { originalSpan } from '../mapped-text.js';
import type { Detector, TextHit, TextView } from './detector.js';
import { isQuotedLine, isRepliedSubject, matchPhrases, pattern, phraseSet, type PhrasePattern } from './phrases.js';
import { isNegated, sentenceAfter, sentenceBefore } from './text-windows.js';

/**
 * Influencing reviews: asking to remove or change one, asking for a positive one, or paying for one. A neutral
 * "please leave a review if you have a moment" is allowed by the marketplace and must not fire; neither must
 * "thanks for the great review" (thanking is not asking).
 */
const S = '\\s{1,2}';
const WB = '(?<![a-z])';
const K = '\\s?';
const REVIEW_NOUN = '(?:review|feedback|rating|comment|stars?|score)s?(?![a-z])';
const ASKING = /(?<![a-z])(?:leave|give|write|post|appreciate|would|could|please|hope|ask|kindly|consider|love|grateful|mind|help|need|want|request|encourage)(?![a-z])/;
const ASKING_AFTER = /(?<![a-z])(?:would|could|please|help|appreciate|mean a lot|grateful)(?![a-z])/;
const KO_REQUEST = /주|부탁|요청|바랍|가능할|가능하실|될까|되실까|하시면|해\s?달/;
const REVIEW_NEARBY = /review|feedback|rating|one-star|1-star|two-star|2-star|stars/;
const asked = (text: string, start: number, end: number) =>
  ASKING.test(sentenceBefore(text, start, 64)) || ASKING_AFTER.test(sentenceAfter(text, end, 40));

const PATTERNS: PhrasePattern[] = [
  {
    kind: 'remove-or-change',
    re: pattern(
      WB,
      `(?:remov(?:e|ing)|delet(?:e|ing)|tak(?:e|ing)${S}down|withdraw(?:ing)?|retract(?:ing)?|chang(?:e|ing)|edit(?:ing)?|updat(?:e|ing)|`,
      `revis(?:e|ing)|revisit(?:ing)?|rethink(?:ing)?|amend(?:ing)?|modify(?:ing)?|reconsider(?:ing)?|rais(?:e|ing)|bump(?:ing)?${S}up|improv(?:e|ing)|adjust(?:ing)?)${S}`,
      `(?:(?:your|the|that|this|our|those|these)${S})?`,
      `(?:(?:negative|bad|poor|low|harsh|unfair|critical|recent|last|previous|latest|neutral|[1-3]-star|(?:one|two|three)-star|(?:[1-3]|one|two|three)${S}star)${S}){0,2}`,
      REVIEW_NOUN,
    ),
  },
  {
    kind: 'remove-or-change',
    re: pattern(WB, `tak(?:e|ing)${S}(?:your${S}|the${S}|that${S})?(?:negative${S}|bad${S})?(?:review|feedback|rating)${S}down`),
  },
  // "…the one-star. Would you consider editing it…": the review was named a sentence earlier.
  {
    kind: 'remove-or-change',
    re: pattern(WB, `(?:remov|delet|edit|updat|chang|revis|revisit|reconsider|amend|modify)(?:e|es|ed|ing)?${S}(?:it|that)(?![a-z])`),
    accept: (text, start, end) => REVIEW_NEARBY.test(text.slice(Math.max(0, start - 160), start)) && asked(text, start, end),
  },
  { kind: 'remove-or-change', re: pattern(WB, `reflect(?:ing)?${S}(?:that|this|it)${S}in${S}(?:your|the)${S}(?:feedback|review|rating)`) },
  {
    kind: 'positive-review',
    re: pattern(
      WB,
      `(?:leave|give|rate|write|post|award|put|leaving|giving|writing|posting|rating|drop)${S}(?:(?:us|me|it|this|our${S}[a-z]{2,12})${S})?`,
      `(?:a${S}|an${S})?(?:5|five|full)[\\s-]{0,2}stars?(?![a-z])`,
    ),
  },
  { kind: 'positive-review', re: pattern(WB, `rate${S}(?:us|our${S}[a-z]{2,12})${S}(?:highly|high|well|positively|5|five|top)(?![a-z])`) },
  // "bumping your review up to 5 stars", "change your rating to five"
  {
    kind: 'positive-review',
    re: pattern(WB, `(?:review|rating|feedback|score)s?${S}(?:up${S})?to${S}(?:a${S})?(?:5|five|4|four)(?:[\\s-]{0,2}stars?)?(?![a-z])`),
    accept: asked,
  },
  { kind: 'positive-review', re: pattern(WB, `(?:5|five)[\\s-]{0,2}star${S}(?:review|rating|feedback)`), accept: asked },
  {
    kind: 'positive-review',
    re: pattern(WB, `(?:positive|good|great|nice|glowing|favorable|favourable|excellent|high|top|perfect|best)${S}(?:review|feedback|rating|score)s?(?![a-z])`),
    accept: asked,
  },
  {
    kind: 'remove-or-change',
    re: pattern(`(?:리뷰|후기|평점|별점|평가|구매평|상품평|피드백)${K}(?:을|를|은|는|도|좀)?${K}(?:조금만${K})?(?:삭제|수정|지워|지우|내려|변경|바꿔|바꾸|철회|정정|올려|취소)`),
    // A request ("수정 부탁드립니다", "삭제해 주시면"), not a report ("리뷰 수정했어요").
    accept: (text, _start, end) => KO_REQUEST.test(sentenceAfter(text, end, 12)),
  },
  {
    kind: 'positive-review',
    re: pattern(
      `(?:좋은|긍정적인|예쁜|만점|5점|별${K}(?:5|다섯)${K}개|별점${K}(?:5|다섯)${K}(?:점|개)?)${K}`,
      `(?:리뷰|후기|평점|별점|평가|구매평|상품평)?${K}(?:을|를|으로|로)?${K}(?:꼭|좀|많이|부디)?${K}(?:남겨|작성|써|부탁|주시면|주세요|주실|달아|올려)`,
    ),
  },
  { kind: 'positive-review', re: pattern(`(?:리뷰|후기|평점|별점|구매평|상품평)${K}(?:좋게|잘|예쁘게|만점|5점|높게|후하게)${K}(?:써|남겨|작성|주|부탁|달아)`) },
];
export const reviewPhrases = phraseSet(PATTERNS);

/** Incentives offered against a review: the review word, the reward and an exchange cue in one sentence. */
const REVIEW_WORD = /(?<![a-z])(?:review|feedback|rating|stars?)(?![a-z])|리뷰|후기|구매평|상품평|별점|평점/g;
const INCENTIVE =
  /(?<![a-z])(?:refund|gift|free (?:gift|item|product|sample|shipping|bottle|pair|one)|for free|voucher|coupon|discount|cashback|cash back|reward|compensat|money back|bonus|credit)|\$\s?\d|₩\s?\d|\d\s?(?:won|krw|usd|dollars?)(?![a-z])|환불|적립금|사은품|선물|쿠폰|할인|포인트|캐시백|기프티콘|상품권|증정|무료|\d\s?원/;
const EXCHANGE =
  /(?<![a-z])(?:if you|once you|after you|when you|in exchange|in return|for (?:a|your|leaving|writing|posting|giving)|and (?:get|receive)|to (?:get|receive|claim)|you'?ll (?:get|receive)|we'?ll (?:send|give|refund|offer))(?![a-z])|시\s|하시면|해\s?주시면|남겨\s?주시면|작성\s?시|작성하시면|주시면|올려\s?주시면|써\s?주시면|하면|조건|(?:주신|하신|남기신|쓰신|작성한|남긴)\s?(?:분|고객)|추첨/;
const INCENTIVE_ANYWHERE = new RegExp(INCENTIVE.source, 'g');
/** Words of context either side of the review word: one sentence of a reasonable length. */
const INCENTIVE_WINDOW = 80;

function incentiveHits(view: TextView): TextHit[] {
  if (isRepliedSubject(view)) return [];
  const text = view.norm.text;
  // Incentive words are rare; their positions, found in one pass, tell which review words deserve a closer look.
  const incentives: number[] = [];
  INCENTIVE_ANYWHERE.lastIndex = 0;
  for (let m = INCENTIVE_ANYWHERE.exec(text); m; m = INCENTIVE_ANYWHERE.exec(text)) incentives.push(m.index);
  if (incentives.length === 0) return [];
  const hits: TextHit[] = [];
  let coveredTo = -1;
  let k = 0;
  REVIEW_WORD.lastIndex = 0;
  for (let m = REVIEW_WORD.exec(text); m; m = REVIEW_WORD.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    while (k < incentives.length && incentives[k]! < start - INCENTIVE_WINDOW) k++;
    if (k >= incentives.length || incentives[k]! > end + INCENTIVE_WINDOW) continue;
    if (start < coveredTo || isQuotedLine(text, start)) continue;
    const before = sentenceBefore(text, start, INCENTIVE_WINDOW);
    const after = sentenceAfter(text, end, INCENTIVE_WINDOW);
    const window = `${before} ${m[0]} ${after}`;
    if (!INCENTIVE.test(window) || !EXCHANGE.test(window) || isNegated(text, start, end)) continue;
    const from = start - before.length;
    const to = end + after.length;
    coveredTo = to;
    const [rs, re] = originalSpan(view.norm, from + leadingSpace(before), to);
    hits.push({ kind: 'incentive', start: rs, end: re });
  }
  return hits;
}

function leadingSpace(s: string): number {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x0a)) i++;
  return Math.min(i, Math.max(0, s.length - 1));
}

export function reviewManipulationDetector(): Detector {
  return {
    id: 'review-manipulation',
    inspectText(view: TextView): TextHit[] {
      return [...matchPhrases(view, reviewPhrases), ...incentiveHits(view)];
    },
  };
}
