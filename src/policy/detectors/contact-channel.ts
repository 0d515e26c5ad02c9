import type { CountryCode } from 'libphonenumber-js/max';
import { LinkifyIt } from 'linkify-it';
import { hostIn, isRealDomain } from '../domains.js';
import { originalSpan } from '../mapped-text.js';
import { keepDisjoint } from '../spans.js';
import type { DetectorKind } from '../types.js';
import type { Detector, TextHit, TextView } from './detector.js';
import { findPhones } from './phone-numbers.js';

export interface ContactChannelOptions {
  /** Region for numbers written without a country code (ISO 3166 alpha-2, e.g. KR). */
  defaultRegion: CountryCode;
  /** Link domains that are not a way around the relay: the marketplace's own, carriers' tracking pages. */
  allowLinkDomains: readonly string[];
}

/** Hosts of messengers' chat and profile links: a link there is a contact channel, not just a website. */
const MESSENGER_HOSTS = [
  'wa.me', 'whatsapp.com', 't.me', 'telegram.me', 'telegram.dog', 'line.me', 'lin.ee', 'open.kakao.com', 'pf.kakao.com',
  'qr.kakao.com', 'weixin.qq.com', 'u.wechat.com', 'wechat.com', 'join.skype.com', 'skype.com', 'invite.viber.com',
  'viber.com', 'signal.me', 'm.me', 'messenger.com', 'instagram.com', 'ig.me',
];
/** App links that open a chat directly. */
const MESSENGER_SCHEMES =
  /(?<![a-z])(?:(?:whatsapp|viber|tg|kakaotalk|kakaoopen|line|weixin):\/\/[^\s"'<>]{1,200}|skype:[a-z0-9._:-]{3,64}(?:\?[a-z]{1,10})?)/g;
/**
 * A messenger named with an id: "WhatsApp: +82…", "카톡 아이디 shop123", "LINE ID @shop". "line" counts only with
 * an id word or sign after it (it is an ordinary word), and a handle must look like one (digit, dot, underscore)
 * unless it follows an explicit "id", ":" or "@" — so "signal is weak" stays prose.
 */
const MESSENGER_HANDLE =
  /(?<![a-z0-9])(?:whats\s?app|telegram|kakao\s?talk|kakao|wechat|weixin|skype|viber|signal|instagram|insta|line(?=[\s,]{0,3}(?:(?:my|our)\s{1,2})?(?:id|아이디|@|:))|카카오톡|카톡|카카오|텔레그램|위챗|왓츠앱|스카이프|라인|인스타그램|인스타|바이버)[\s,]{0,3}(?:(?:my|our|the)\s{1,2})?((?:id|아이디|handle|username|계정|account|number|번호)\s{0,2})?(:|=|is|it's|은|는|-)?\s{0,2}(@)?(\+?[a-z0-9][a-z0-9._:-]{2,31})(?![a-z0-9._-])/g;
const HANDLE_LIKE = /[0-9._]/;
const FILE_NAME_SEPARATORS = /[-_]/g;
const NOT_A_HANDLE = new Set(['me', 'us', 'chat', 'call', 'the', 'and', 'you', 'app', 'message', 'messages', 'please', 'now', 'too']);

/** Priority when two findings overlap: the more specific explanation wins. */
const PRIORITY: Record<string, number> = { messenger: 0, phone: 1, digits: 2, link: 3 };

export function contactChannelDetector(options: ContactChannelOptions): Detector {
  // fuzzyLink finds "mystore.com" without a scheme; addresses are the address detectors' business.
  const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false });
  return {
    id: 'contact-channel',
    inspectText(view: TextView): TextHit[] {
      // In a file name "-" and "_" stand for spaces ("call-me-010-5566-7788.jpg"); same length, same offsets.
      const text = view.segment.origin === 'file-name' ? view.norm.text.replace(FILE_NAME_SEPARATORS, ' ') : view.norm.text;
      const found: { start: number; end: number; kind: DetectorKind; detail?: string }[] = [];
      for (const p of findPhones(text, options.defaultRegion)) found.push(p);
      for (const link of findLinks(linkify, text)) {
        if (link.schema === 'mailto:' || (link.schema === '' && besideAtSign(text, link.index, link.lastIndex))) continue;
        const host = hostOf(link.url);
        if (!host) continue;
        if (hostIn(host, MESSENGER_HOSTS)) found.push({ start: link.index, end: link.lastIndex, kind: 'messenger', detail: host });
        else if (isRealDomain(host) && !hostIn(host, options.allowLinkDomains)) found.push({ start: link.index, end: link.lastIndex, kind: 'link', detail: host });
      }
      MESSENGER_SCHEMES.lastIndex = 0;
      for (let m = MESSENGER_SCHEMES.exec(text); m; m = MESSENGER_SCHEMES.exec(text)) {
        found.push({ start: m.index, end: m.index + m[0].length, kind: 'messenger' });
      }
      MESSENGER_HANDLE.lastIndex = 0;
      for (let m = MESSENGER_HANDLE.exec(text); m; m = MESSENGER_HANDLE.exec(text)) {
        const handle = m[4]!;
        const explicit = Boolean(m[1]) || m[2] === ':' || m[2] === '=' || Boolean(m[3]);
        if (NOT_A_HANDLE.has(handle) || (!explicit && !HANDLE_LIKE.test(handle))) continue;
        found.push({ start: m.index, end: m.index + m[0].length, kind: 'messenger' });
      }
      return keepDisjoint(found, (f) => PRIORITY[f.kind] ?? 9).map((f) => {
        const [start, end] = originalSpan(view.norm, f.start, f.end);
        return f.detail ? { kind: f.kind, start, end, detail: f.detail } : { kind: f.kind, start, end };
      });
    },
  };
}

/**
 * Where a link can be: a dot between a word character and two letters ("shop.kr", not "end. Next"), or a
 * scheme's slashes. linkify-it's fuzzy search costs half of a whole scan when run over every character, so it
 * only reads the whitespace-delimited tokens around such hints; a URL never contains whitespace.
 */
const LINK_HINT = /[a-z0-9\u00c0-\uffff-]\.[a-z\u00c0-\uffff]{2}|\/\//g;
/** Longest token handed to linkify-it: its own default limit on link length. */
const MAX_TOKEN = 10_000;

function findLinks(linkify: LinkifyIt, text: string): { schema: string; index: number; lastIndex: number; url: string }[] {
  const out: { schema: string; index: number; lastIndex: number; url: string }[] = [];
  let doneTo = 0;
  LINK_HINT.lastIndex = 0;
  for (let m = LINK_HINT.exec(text); m; m = LINK_HINT.exec(text)) {
    if (m.index < doneTo) continue;
    let from = m.index;
    while (from > doneTo && m.index - from < MAX_TOKEN && !isSpace(text.charCodeAt(from - 1))) from--;
    let to = m.index;
    while (to < text.length && to - m.index < MAX_TOKEN && !isSpace(text.charCodeAt(to))) to++;
    for (const link of linkify.match(text.slice(from, to)) ?? []) {
      out.push({ schema: link.schema, index: from + link.index, lastIndex: from + link.lastIndex, url: link.url });
    }
    doneTo = to;
    LINK_HINT.lastIndex = Math.max(LINK_HINT.lastIndex, to);
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xa0 || c === 0x3000;
}

/** "olivia.shop at gmail dot com": a dotted word next to an @ (in any spelling) is part of an address. */
const AT_AFTER = /[ \t]{0,3}(?:@|[([{<][ \t]{0,2}at[ \t]{0,2}[)\]}>]|at[ \t]|골뱅이|앳)/y;
const AT_BEFORE = /(?:@|[([{<][ \t]{0,2}at[ \t]{0,2}[)\]}>]|[ \t]at|골뱅이|앳)[ \t]{0,3}$/;

function besideAtSign(text: string, start: number, end: number): boolean {
  AT_AFTER.lastIndex = end;
  return AT_AFTER.test(text) || AT_BEFORE.test(text.slice(Math.max(0, start - 12), start));
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}

