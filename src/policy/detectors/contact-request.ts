import type { Detector, TextHit, TextView } from './detector.js';
import { matchPhrases, pattern, phraseSet, type PhrasePattern } from './phrases.js';
import { sentenceAfter, sentenceBefore } from './text-windows.js';

/**
 * Asking for, or offering, a way to talk outside the relay. What is asked for matters: "your order number" or
 * "your address" (for shipping) is order talk; "your personal email", "your phone number", "your KakaoTalk id"
 * is not. Every repetition is bounded; patterns run on normalised (lower-case) text.
 */
const S = '\\s{1,2}';
const WB = '(?<![a-z])';
const APPS = 'whats\\s?app|kakao(?:\\s?talk)?|line|telegram|wechat|skype|signal|viber';
const CONTACT_OBJECT =
  `(?:(?:personal|private|real|direct|own|actual|other|home|work|best|regular)${S}){0,2}` +
  `(?:e-?mail(?:${S}(?:address|id))?|mail${S}address|gmail|naver${S}id|phone(?:${S}(?:number|no))?|` +
  `(?:cell|mobile|contact|whats\\s?app|telephone|tel)${S}(?:number|no)|number${S}to${S}(?:call|text|reach)|` +
  `contact${S}(?:details|info(?:rmation)?)|whats\\s?app|kakao(?:\\s?talk)?(?:${S}id)?|line${S}id|telegram|wechat|skype|instagram|insta|` +
  // "your number" with no noun before it is a phone number; "your order number" never reaches here.
  `number|digits)(?![a-z])`;

const CONTACT_CONTEXT = /e-?mail|number|phone|whats\s?app|kakao|telegram|wechat|contact|address/;
const KO_CALL = /연락|통화|전화|문자|카톡|카카오톡/;

/** "Let's … outside the platform" is a request; "payments made outside the platform are not protected" is not. */
const PROPOSAL = /(?<![a-z])(?:let's|lets|let us|can we|could we|we can|we could|i could|you could|shall we|how about|i can|you can|prefer to|want to|like to|rather)(?![a-z])/;

const ENGLISH: PhrasePattern[] = [
  {
    kind: 'request',
    re: pattern(
      WB,
      `(?:send|give|share|tell|text|email|e-mail|mail|provide|drop|pass|dm|message|forward|leave|write${S}down|let${S}me${S}(?:know|have))`,
      `${S}(?:(?:me|us)${S})?(?:with${S}(?:me|us)${S})?(?:your|ur|a|an)${S}`,
      CONTACT_OBJECT,
    ),
  },
  { kind: 'request', re: pattern(WB, `(?:can|could|may)${S}(?:i|we)${S}(?:have|get|ask${S}for|ask${S}you${S}for)${S}your${S}`, CONTACT_OBJECT) },
  {
    kind: 'request',
    re: pattern(WB, `what(?:'s|${S}is|s|${S}would${S}be)${S}(?:your|the${S}(?:best|right|easiest)|a${S}good)${S}(?:(?:best|preferred|usual)${S})?`, CONTACT_OBJECT),
  },
  // "here is my email … or give me yours?"
  {
    kind: 'request',
    re: pattern(WB, `(?:give|send|share|tell)${S}(?:me|us)${S}yours(?![a-z])`),
    accept: (text, start) => CONTACT_CONTEXT.test(sentenceBefore(text, start, 120)),
  },
  { kind: 'request', re: pattern(WB, `(?:email|e-mail|text|call|message|write(?:${S}to)?|contact|reach|ping)${S}(?:me|us)\\s{0,2}:`) },
  // "call me on 010-…": a number follows.
  { kind: 'request', re: pattern(WB, `(?:call|text|phone|ring|whats\\s?app|message|reach|contact)${S}(?:me|us)[,:]?\\s{0,2}(?:(?:on|at)${S})?(?=[+(0-9])`) },
  {
    kind: 'request',
    re: pattern(
      WB,
      `(?:is${S}there|do${S}you${S}have)${S}(?:an?${S})?(?:(?:other|personal|direct|private)${S})?(?:e-?mail(?:${S}address)?|number|phone(?:${S}number)?)${S}`,
      `(?:where|that|to${S}which|i${S}can|we${S}can|i${S}could)(?![a-z])`,
    ),
  },
  { kind: 'request', re: pattern(WB, `(?:deal|talk|speak|communicate|trade|chat|transact)${S}(?:with${S}(?:me|you|us)${S})?directly(?![a-z])`) },
  // Paying or selling around the marketplace: "if I pay you directly", "instead of through the site".
  { kind: 'request', re: pattern(WB, `(?:pay|paying|buy|buying|sell|selling|transfer|wire)${S}(?:(?:you|me|us|it)${S})?directly(?![a-z])`) },
  { kind: 'request', re: pattern(WB, `instead${S}of${S}(?:going${S})?(?:through|via|on|using)${S}(?:the${S}|this${S})?(?:site|platform|app|marketplace|website)(?![a-z])`) },
  // "shoot me a message at …", "drop us a line on …"
  {
    kind: 'request',
    re: pattern(WB, `(?:shoot|send|drop|give)${S}(?:me|us)${S}(?:a|an)${S}(?:message|mail|email|e-mail|line|text|note|call|ring|dm)${S}(?:at|on|via)(?![a-z])`),
  },
  // "what number can I reach you on?"
  {
    kind: 'request',
    re: pattern(WB, `(?:what|which)${S}(?:e-?mail(?:${S}address)?|number|phone(?:${S}number)?|app)${S}(?:can|could|should|do|may|shall)${S}(?:i|we)${S}(?:reach|contact|call|text|use|write|message)`),
  },
  {
    kind: 'request',
    re: pattern(
      WB,
      `(?:do|would)${S}you${S}(?:have|use|mind${S}sharing)${S}(?:a${S}|an${S}|your${S})?`,
      `(?:${APPS}|(?:personal|private|direct)${S}(?:e-?mail|number|phone)|e-?mail${S}address|phone${S}number)(?![a-z])`,
    ),
  },
  {
    kind: 'request',
    re: pattern(
      WB,
      `(?:contact|reach|email|e-mail|mail|text|call|message|write${S}to|dm|ping|whats\\s?app|kakao|hit)${S}(?:me|us)${S}(?:up${S})?`,
      `(?:directly|privately|personally|outside|off[\\s-]{1,2}(?:the${S})?(?:platform|site|app|marketplace)|`,
      `at(?![a-z])(?!${S}(?:any\\s?time|your${S}(?:convenience|earliest)|this${S}(?:address|email)|the${S}(?:same|above|marketplace|platform)))|`,
      `(?:on|via)${S}(?:${APPS}|instagram|insta|my${S}(?:personal|private|cell|mobile|phone)))`,
    ),
  },
  {
    kind: 'request',
    re: pattern(
      WB,
      `(?:talk|chat|continue|connect|communicate|discuss|move${S}(?:this|our|the)(?:${S}(?:conversation|chat|discussion))?|speak|deal|message)${S}`,
      `(?:(?:this|it|more|further|privately|directly)${S})?(?:on|via|over|through|to|in)${S}`,
      `(?:${APPS}|instagram|insta|(?:my${S})?(?:personal|private)${S}(?:e-?mail|number|phone)|the${S}phone|text|sms)(?![a-z])`,
    ),
  },
  { kind: 'request', re: pattern(WB, `(?:add|find|dm|message)${S}(?:me|us|you)${S}(?:on|at|in|via)${S}(?:${APPS}|instagram|insta)(?![a-z])`) },
  // "order from our webshop next time": buying around the marketplace.
  {
    kind: 'request',
    re: pattern(WB, `(?:order|buy|purchase|shop)${S}(?:directly${S})?(?:from|on|at|via|through)${S}our${S}(?:web\\s?shop|website|homepage|online${S}store|own${S}(?:site|store|shop|website))(?![a-z])`),
  },
  {
    kind: 'request',
    re: pattern(
      WB,
      `(?:outside|off|away${S}from)${S}(?:of${S})?(?:the${S}|this${S})?`,
      `(?:platform|marketplace|app|site|website|system|amazon|coupang|ebay|etsy|gmarket|11st)(?![a-z])`,
    ),
    accept: (text, start) => PROPOSAL.test(sentenceBefore(text, start, 64)),
  },
];

const K = '\\s?';
const KO_PARTICLE = '(?:를|을|좀|도|만|은|는)?';
const KO_ASK = '(?:알려|보내|남겨|가르쳐|공유|주실|주세요|줄\\s?수|받을\\s?수|부탁|적어)';
const KO_PHONE = '(?:전화\\s?번호|전번|연락처|핸드폰\\s?번호|휴대폰\\s?번호|폰\\s?번호|휴대폰|핸드폰|개인\\s?번호|(?:카톡|카카오톡|라인|위챗|텔레그램)\\s?(?:아이디|id))';
const KO_MEDIUM = '(?:이메일|메일|연락|카톡|카카오톡|전화|문자|연락처|번호)';
const KO_ACT = '(?:연락|주세요|드릴|드리|드려|주시|부탁|할게|하세요|해\\s?주|남겨|알려|보내|주면|받|얘기|이야기|대화|통화|하자|할까|해요|안내)';

const KOREAN: PhrasePattern[] = [
  { kind: 'request', re: pattern(`(?:이메일|메일|e-?mail)${K}(?:주소|계정|아이디)${K}${KO_PARTICLE}\\s{0,2}(?:좀${K})?${KO_ASK}`) },
  // "이메일 보내 주세요" is "send an email" (through the relay); asking to be told the address is the request.
  { kind: 'request', re: pattern(`이메일${K}(?:을|를|좀)?\\s{0,2}(?:좀${K})?(?:알려|가르쳐|공유해)`) },
  { kind: 'request', re: pattern(KO_PHONE, `${K}${KO_PARTICLE}\\s{0,2}(?:좀${K})?${KO_ASK}`) },
  { kind: 'request', re: pattern(`연락${K}(?:가능한|받으실|받을|드릴)${K}(?:번호|연락처|전화번호)${K}${KO_PARTICLE}\\s{0,2}(?:좀${K})?${KO_ASK}`) },
  // A bare "번호" is an order number as often as a phone number: only a call or message in the sentence decides.
  {
    kind: 'request',
    re: pattern(`번호${K}(?:를|을|좀|도)?${K}(?:좀${K})?(?:남겨|알려|주세요|주실|보내|가르쳐)`),
    accept: (text, start, end) => KO_CALL.test(sentenceBefore(text, start, 40)) || KO_CALL.test(sentenceAfter(text, end, 40)),
  },
  // "카톡 되세요?", "라인 가능하세요?"
  { kind: 'request', re: pattern(`(?:카톡|카카오톡|라인|텔레그램|위챗|왓츠앱)${K}(?:되세요|돼요|되나요|되시나요|가능하세요|가능한가요|가능할까요|하세요\\?|하시나요|쓰세요|있으세요)`) },
  // "카카오톡 채널 '모던키친'으로 문의 부탁드려요": the channel's name sits between the app and the verb.
  {
    kind: 'request',
    re: pattern(`(?:카톡|카카오톡|라인|텔레그램|위챗|인스타그램|인스타)${K}(?:채널|계정|아이디|플친|오픈채팅)[^.!?\\n]{0,20}?(?:으로|로)${K}(?:연락|문의|대화|상담|메시지|디엠|dm)`),
  },
  { kind: 'request', re: pattern(`(?:따로|별도로?|직접|개인적으로)${K}연락(?:드릴|할|하는|받을)${K}(?:방법|수|길|곳)`) },
  { kind: 'request', re: pattern(`(?:카톡|카카오톡|라인)${K}(?:플친|채널|친구)${K}(?:을|를)?${K}(?:추가|맺)`) },
  // Paying around the marketplace: "계좌로 직접 입금하면".
  { kind: 'request', re: pattern(`(?:(?:계좌|현금|무통장)(?:로|으로)?${K})?(?:직접|따로)${K}(?:입금|이체|송금|결제)`) },
  {
    kind: 'request',
    re: pattern(
      `(?:(?:개인|따로|별도로?|사적으로|개별적?으로)${K}${KO_MEDIUM}|직접${K}(?:이메일|메일|카톡|카카오톡|전화|문자|연락처))`,
      `${K}(?:로|으로|를|을|은|는|해서|하시면)?\\s{0,2}${KO_ACT}`,
    ),
  },
  {
    kind: 'request',
    re: pattern(
      '(?:카톡|카카오톡|라인|텔레그램|위챗|왓츠앱|인스타\\s?dm|문자)',
      `${K}(?:으로|로|에서|나|이나)?\\s{0,2}(?:연락|문의|주세요|추가|친추|대화|얘기|이야기|상담|주시면|부탁|드릴|할게|해요|하실|친구)`,
    ),
  },
  {
    kind: 'request',
    re: pattern(`(?:이메일|메일${K}주소|연락처|전화${K}번호|폰${K}번호|핸드폰${K}번호|카톡${K}아이디)${K}(?:가|이|는|은)?\\s{0,2}(?:어떻게${K}되|뭐예요|뭐에요|뭔가요|무엇인가요|뭐죠)`),
  },
  { kind: 'request', re: pattern(`(?:직거래|개인${K}거래|외부${K}거래)${K}(?:를|로|으로|는)?${K}(?:하|가능|원하|어떠|괜찮|진행)`) },
];

export const contactRequestPhrases = phraseSet([...ENGLISH, ...KOREAN]);

export function contactRequestDetector(): Detector {
  return {
    id: 'contact-request',
    inspectText(view: TextView): TextHit[] {
      return matchPhrases(view, contactRequestPhrases);
    },
  };
}
