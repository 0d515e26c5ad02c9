import type { DuplicateCounter } from '../duplicate-counter.js';
import { fingerprint } from '../fingerprint.js';
import type { Hit } from '../types.js';
import type { Detector, MessageFacts, ScanContext, TextHit, TextView } from './detector.js';
import { marketingPhrases } from './marketing-phrases.js';
import { matchPhrases } from './phrases.js';

export interface MarketingOptions {
  /** Near-identical bodies from one seller in one day, this one included, from which the body counts as bulk. */
  duplicateThreshold: number;
  /** Bodies with fewer words are not fingerprinted (short thank-you notes are alike for everyone). */
  duplicateMinWords: number;
}

/** A remote image this small or this hidden exists only to report that the mail was opened. */
const PIXEL_SIZE_MAX = 2;
const HIDDEN_STYLE = /display\s{0,3}:\s{0,3}none|visibility\s{0,3}:\s{0,3}hidden|opacity\s{0,3}:\s{0,3}0(?![.0-9]*[1-9])/;
const STYLE_SIZE = /(?:^|[;\s])(width|height)\s{0,3}:\s{0,3}(\d{1,6})(?:\.\d{1,4})?px/g;
const REMOTE = /^\s{0,16}(?:https?:)?\/\//i;
const BULK_PRECEDENCE = /^\s{0,16}(?:bulk|list|junk)\b/i;

export function marketingDetector(options: MarketingOptions, duplicates: DuplicateCounter): Detector {
  return {
    id: 'marketing',
    inspectText(view: TextView): TextHit[] {
      return matchPhrases(view, marketingPhrases);
    },
    async inspectMessage(message: MessageFacts, ctx: ScanContext): Promise<Hit[]> {
      const hits = [...listHeaderHits(message.headers), ...trackingPixelHits(message)];
      // Only a seller's mail is bulk mail to buyers; a buyer's message must not count toward the seller's total.
      if (ctx.direction !== 'seller_to_buyer') return hits;
      const fp = fingerprint(message.bodyText, options.duplicateMinWords);
      if (!fp) return hits;
      const count = await duplicates.countSimilar(message.sellerId, message.day, fp);
      if (count >= options.duplicateThreshold) {
        hits.push({
          detector: 'marketing', kind: 'bulk', part: 'message', start: 0, end: 0, match: '',
          detail: `${count} near-identical messages from this seller on ${message.day} (threshold ${options.duplicateThreshold})`,
        });
      }
      return hits;
    },
  };
}

function listHeaderHits(headers: Map<string, string[]>): Hit[] {
  const hits: Hit[] = [];
  for (const value of headers.get('list-unsubscribe') ?? []) {
    hits.push({ detector: 'marketing', kind: 'list-header', part: 'header:list-unsubscribe', start: 0, end: value.length, match: value, detail: 'List-Unsubscribe header' });
  }
  for (const value of headers.get('precedence') ?? []) {
    if (!BULK_PRECEDENCE.test(value)) continue;
    hits.push({ detector: 'marketing', kind: 'list-header', part: 'header:precedence', start: 0, end: value.length, match: value, detail: 'Precedence: bulk header' });
  }
  return hits;
}

function trackingPixelHits(message: MessageFacts): Hit[] {
  const html = message.html;
  if (!html) return [];
  const hits: Hit[] = [];
  for (const img of html.images) {
    if (!REMOTE.test(img.attrs.get('src') ?? '')) continue;
    const style = (img.attrs.get('style') ?? '').toLowerCase();
    const size = new Map<string, number>();
    for (const name of ['width', 'height']) {
      const v = Number.parseFloat(img.attrs.get(name) ?? '');
      if (Number.isFinite(v)) size.set(name, v);
    }
    STYLE_SIZE.lastIndex = 0;
    for (let m = STYLE_SIZE.exec(style); m; m = STYLE_SIZE.exec(style)) size.set(m[1]!, Number(m[2]));
    const tiny = size.size === 2 && [...size.values()].every((v) => v <= PIXEL_SIZE_MAX);
    if (!tiny && !HIDDEN_STYLE.test(style) && !img.attrs.has('hidden')) continue;
    hits.push({ detector: 'marketing', kind: 'tracking-pixel', part: 'html', start: img.start, end: img.end, match: '', detail: 'tracking pixel' });
  }
  return hits;
}
