import { describe, expect, it } from 'vitest';
import { applyMasks, maskText } from './mask.js';
import type { Finding, Verdict } from './types.js';

const finding = (part: string, start: number, end: number, replacement: string, over: Partial<Finding> = {}): Finding => ({
  detector: 'foreign-address',
  kind: 'address',
  part,
  start,
  end,
  match: '',
  ruleId: 'r',
  action: 'mask',
  replacement,
  ...over,
});
const verdict = (...findings: Finding[]): Verdict => ({ action: 'deliver', findings, tags: [] });

describe('applyMasks', () => {
  it('when text has mask findings, then each span becomes its replacement and the rest is untouched', () => {
    const text = 'mail a@x.com or b@y.com';
    const out = applyMasks({ subject: 's', text }, verdict(finding('text', 5, 12, '[removed]'), finding('text', 16, 23, 'alias@relay.test')));
    expect(out.text).toBe('mail [removed] or alias@relay.test');
    expect(out.subject).toBe('s');
  });

  it('when findings are not masks, then nothing changes', () => {
    const out = applyMasks({ subject: 'call 010', text: 't' }, verdict(finding('subject', 5, 8, 'x', { action: 'hold' })));
    expect(out).toEqual({ subject: 'call 010', text: 't' });
  });

  it('when masks overlap, then they merge into one replacement', () => {
    expect(maskText('0123456789', [
      { start: 2, end: 6, replacement: 'A' },
      { start: 4, end: 8, replacement: 'B' },
    ])).toBe('01A89');
  });

  it('when an HTML finding crosses tags, then only text is replaced and every tag stays', () => {
    const html = '<p>write john<b>@</b>gmail.com today</p>';
    const start = html.indexOf('john');
    const end = html.indexOf('.com') + 4;
    const out = applyMasks({ subject: '', html }, verdict(finding('html', start, end, '[contact details removed]')));
    expect(out.html).toBe('<p>write [contact details removed]<b></b> today</p>');
  });

  it('when an HTML finding is in an attribute, then the value is replaced and the replacement escaped', () => {
    const html = '<a href="mailto:john@gmail.com">write</a>';
    const start = html.indexOf('john');
    const out = applyMasks({ subject: '', html }, verdict(finding('html', start, start + 14, '"<x>" & co')));
    expect(out.html).toBe('<a href="mailto:&#34;&#60;x&#62;&#34; &#38; co">write</a>');
  });

  it('when display names are given, then masks on them apply at the same index', () => {
    const out = applyMasks({ subject: '', displayNames: ['Ann', 'Bo (b@x.com)'] }, verdict(finding('display-name[1]', 4, 11, 'b1@relay.test')));
    expect(out.displayNames).toEqual(['Ann', 'Bo (b1@relay.test)']);
  });
});
