import { maskHtml } from './mask-html.js';
import type { Span } from './spans.js';
import type { Finding, MaskableContent, Verdict } from './types.js';

export interface MaskEdit extends Span {
  replacement: string;
}

/**
 * Applies a verdict's masks to the content it was computed on: each masked span of the original becomes its
 * replacement ("[contact details removed]", or the alias for a party's own address). Pure: the caller
 * re-encodes the MIME parts. Overlapping masks collapse into the earliest, longest one.
 * Display names are masked too when passed in (the engine counts them as rewritable): a caller that puts the
 * sender's display name into the forwarded From must pass ScanInput.displayNames here and use the result.
 */
export function applyMasks(content: MaskableContent, verdict: Verdict): MaskableContent {
  const byPart = new Map<string, MaskEdit[]>();
  for (const f of verdict.findings) {
    if (f.action !== 'mask' || f.end <= f.start) continue;
    const edits = byPart.get(f.part) ?? [];
    edits.push(edit(f));
    byPart.set(f.part, edits);
  }
  const out: MaskableContent = { ...content };
  const subject = byPart.get('subject');
  if (subject) out.subject = maskText(content.subject, subject);
  const text = byPart.get('text');
  if (text && content.text !== undefined) out.text = maskText(content.text, text);
  const html = byPart.get('html');
  if (html && content.html !== undefined) out.html = maskHtml(content.html, disjoint(html));
  if (content.displayNames) {
    out.displayNames = content.displayNames.map((name, i) => {
      const edits = byPart.get(`display-name[${i}]`);
      return edits ? maskText(name, edits) : name;
    });
  }
  return out;
}

function edit(f: Finding): MaskEdit {
  return { start: f.start, end: f.end, replacement: f.replacement ?? '' };
}

/** Merges overlapping edits: the union keeps the first edit's replacement. */
function disjoint(edits: MaskEdit[]): MaskEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MaskEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.start < last.end) last.end = Math.max(last.end, e.end);
    else out.push({ ...e });
  }
  return out;
}

export function maskText(text: string, edits: MaskEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of disjoint(edits)) {
    if (e.start > text.length) break;
    out += text.slice(at, e.start) + e.replacement;
    at = Math.min(e.end, text.length);
  }
  return out + text.slice(at);
}
