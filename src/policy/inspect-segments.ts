import type { Detector, ScanContext, TextHit } from './detectors/detector.js';
import { viewOf } from './detectors/detector.js';
import { normalize } from './normalize.js';
import type { Segment } from './segments.js';
import { keepDisjoint } from './spans.js';
import type { Hit, PartId } from './types.js';

export interface SegmentFindings {
  hits: Hit[];
  /** Parts applyMasks can rewrite. */
  maskable: Set<PartId>;
  /** The body as a recipient reads it (text part, else rendered HTML), normalised: the near-duplicate input. */
  body: string;
}

/** Runs every detector over every segment and locates each hit in its part. */
export function inspectSegments(segments: readonly Segment[], detectors: readonly Detector[], ctx: ScanContext): SegmentFindings {
  const hits: Hit[] = [];
  const maskable = new Set<PartId>();
  const readings = new HtmlReadings();
  let body: string | undefined;
  for (const segment of segments) {
    if (segment.maskable) maskable.add(segment.part);
    if (!segment.text) continue;
    const view = viewOf(segment);
    if (body === undefined && (segment.part === 'text' || (segment.part === 'html' && segment.origin === 'html-body'))) body = view.norm.text;
    for (const d of detectors) {
      // One finding per stretch of text and detector: overlapping phrasings of one sentence are one story.
      for (const h of keepDisjoint(d.inspectText(view, ctx), () => 0)) {
        if (readings.isRepeat(segment, d, view.raw.slice(h.start, h.end))) continue;
        hits.push(locate(segment, d, h));
      }
    }
  }
  return { hits, maskable, body: body ?? '' };
}

/**
 * An HTML part is read twice: offset-mapped (maskable) and by html-to-text's parser (segments.ts). The second
 * reading only adds what the first did not find; a finding is the same when detector and text match, spacing
 * and case aside.
 */
class HtmlReadings {
  private readonly seen = new Map<PartId, Set<string>>();

  isRepeat(segment: Segment, detector: Detector, matched: string): boolean {
    const part = segment.origin === 'html-rendered' ? segment.renders : segment.origin.startsWith('html') ? segment.part : undefined;
    if (part === undefined) return false;
    let keys = this.seen.get(part);
    if (!keys) this.seen.set(part, (keys = new Set()));
    const key = `${detector.id}|${normalize(matched).text.replace(WHITESPACE, '')}`;
    if (segment.origin === 'html-rendered') return keys.has(key);
    keys.add(key);
    return false;
  }
}

const WHITESPACE = /\s+/g;

/** Turns a hit in a segment's decoded text into one located in the part as the caller gave it. */
function locate(segment: Segment, detector: Detector, h: TextHit): Hit {
  const start = segment.map ? segment.map.start[h.start]! : h.start;
  const end = segment.map ? segment.map.end[h.end - 1]! : h.end;
  const hit: Hit = { detector: detector.id, kind: h.kind, part: segment.part, start, end, match: segment.source.slice(start, end) };
  if (h.obfuscated !== undefined) hit.obfuscated = h.obfuscated;
  if (h.replacement !== undefined) hit.replacement = h.replacement;
  if (h.detail !== undefined) hit.detail = h.detail;
  return hit;
}
