import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../domain/errors.js';
import { checkMimeStructure } from './mime-structure.js';

const limits = { maxMimeParts: 50, maxMimeDepth: 5 };
const msg = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

function nested(depth: number): Buffer {
  const lines = ['Subject: deep'];
  for (let i = 0; i < depth; i++) lines.push(`Content-Type: multipart/mixed; boundary="b${i}"`, '', `--b${i}`);
  lines.push('Content-Type: text/plain', '', 'bottom');
  for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
  return msg(...lines, '');
}

function wide(parts: number): Buffer {
  const lines = ['Subject: wide', 'Content-Type: multipart/mixed; boundary=w', ''];
  for (let i = 0; i < parts; i++) lines.push('--w', 'Content-Type: text/plain', '', `part ${i}`);
  return msg(...lines, '--w--', '');
}

function codeOf(raw: Buffer, l = limits): string {
  try {
    checkMimeStructure(raw, l);
    return 'accepted';
  } catch (err) {
    if (isParleyError(err)) return `${err.smtp?.code} ${err.smtp?.enhanced} ${err.smtpText}`;
    throw err;
  }
}

describe('checkMimeStructure', () => {
  it('when the message is a single text part, then it has no parts below the root and depth 0', () => {
    expect(checkMimeStructure(msg('Subject: hi', 'Content-Type: text/plain', '', '--not-a-boundary', ''), limits)).toEqual({ parts: 0, depth: 0 });
  });

  it('when a typical mail client message is scanned, then its parts and depth are counted as a parser sees them', () => {
    const raw = msg(
      'Content-Type: multipart/mixed; boundary="mixed"',
      '',
      'preamble',
      '--mixed--',
      '--mixed',
      'Content-Type: multipart/alternative;',
      '\tboundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain',
      '',
      'text',
      '--alt ',
      'Content-Type: text/html',
      '',
      '<p>html</p>',
      '--alt--',
      'epilogue of alt',
      '--mixed',
      'Content-Type: application/pdf',
      '',
      'JVBERi0=',
      '--mixed--',
      '',
    );
    // mixed: 2 parts; alt: 2 parts. The closing delimiter in the preamble is text.
    expect(checkMimeStructure(raw, limits)).toEqual({ parts: 4, depth: 2 });
  });

  it('when an inner multipart is never closed, then an outer delimiter ends it and later parts still count', () => {
    const raw = msg('Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: multipart/mixed; boundary=i', '', '--i', '', 'x', '--o', '', 'y', '--o', '', 'z', '--o--', '');
    expect(checkMimeStructure(raw, limits)).toEqual({ parts: 4, depth: 2 });
  });

  it('when a part is an attached message, then its own structure is counted too', () => {
    const raw = msg('Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: message/rfc822', '', 'Subject: inner', 'Content-Type: multipart/alternative; boundary=in', '', '--in', '', 'a', '--in', '', 'b', '--in--', '--o--', '');
    expect(checkMimeStructure(raw, limits)).toEqual({ parts: 4, depth: 3 });
  });

  it('when parts or nesting are within the limits, then the message passes; one more of either is refused with 554 5.6.0', () => {
    expect(codeOf(wide(50))).toBe('accepted');
    expect(codeOf(wide(51))).toBe('554 5.6.0 Message has more than 50 MIME parts');
    expect(codeOf(nested(5))).toBe('accepted');
    expect(codeOf(nested(6))).toBe('554 5.6.0 Message MIME structure is nested more than 5 levels deep');
  });

  it('when a message has 10 000 parts or 200 levels, then it is refused', () => {
    expect(codeOf(wide(10_000), { maxMimeParts: 500, maxMimeDepth: 20 })).toBe('554 5.6.0 Message has more than 500 MIME parts');
    expect(codeOf(nested(200), { maxMimeParts: 500, maxMimeDepth: 20 })).toBe('554 5.6.0 Message MIME structure is nested more than 20 levels deep');
  });

  it('when boundaries hide behind comments, repeats or RFC 2231 continuations, then the scan finds the one the parser uses', () => {
    const commented = msg('Content-Type: multipart/mixed; boundary=b (c)', '', ...Array.from({ length: 60 }, () => ['--b', '', 'x']).flat(), '');
    expect(codeOf(commented)).toBe('554 5.6.0 Message has more than 50 MIME parts');
    const continued = msg('Content-Type: multipart/mixed; boundary=decoy; boundary*0=re; boundary*1=al', '', ...Array.from({ length: 60 }, () => ['--real', '', 'x']).flat(), '');
    expect(codeOf(continued)).toBe('554 5.6.0 Message has more than 50 MIME parts');
  });

  it('when a line only starts like a delimiter, then it is text', () => {
    const raw = msg('Content-Type: multipart/mixed; boundary=b', '', '--b', '', '--bx', '--b x', '-- b', '--b--', '');
    expect(checkMimeStructure(raw, limits)).toEqual({ parts: 1, depth: 1 });
  });
});
