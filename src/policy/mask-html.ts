import { escapeHtml } from './html-entities.js';
import { readHtml } from './html-view.js';
import type { MaskEdit } from './mask.js';

/**
 * Masks spans of raw HTML without touching markup: a span found in rendered text may cross tags
 * ("john<b>@</b>gmail.com"); only its text runs and attribute values are edited — the first piece receives
 * the (escaped) replacement, the other pieces are emptied, and every tag stays where it was.
 */
export function maskHtml(html: string, edits: MaskEdit[]): string {
  const content = readHtml(html).content;
  const cuts: { start: number; end: number; insert: string }[] = [];
  let c = 0;
  for (const e of edits) {
    while (c < content.length && content[c]!.end <= e.start) c++;
    let first = true;
    for (let k = c; k < content.length && content[k]!.start < e.end; k++) {
      const range = content[k]!;
      const start = Math.max(range.start, e.start);
      const end = Math.min(range.end, e.end);
      if (end <= start) continue;
      cuts.push({ start, end, insert: first ? escapeHtml(e.replacement) : '' });
      first = false;
    }
  }
  let out = '';
  let at = 0;
  for (const cut of cuts) {
    out += html.slice(at, cut.start) + cut.insert;
    at = cut.end;
  }
  return out + html.slice(at);
}
