import { describe, expect, it } from 'vitest';
import { readHtml } from './html-view.js';
import { originalSpan } from './mapped-text.js';

describe('readHtml', () => {
  it('when text nodes hold entities, then the body decodes them and maps each character to its source', () => {
    const html = '<p>mail j&#111;hn&#64;x.com</p>';
    const { body } = readHtml(html);
    expect(body.text).toBe('\nmail john@x.com\n');
    const at = body.text.indexOf('john@x.com');
    const [s, e] = originalSpan(body, at, at + 'john@x.com'.length);
    expect(html.slice(s, e)).toBe('j&#111;hn&#64;x.com');
  });

  it('when inline tags split a word, then the body joins it; block tags separate words', () => {
    expect(readHtml('john<b>@</b>gmail<span>.com</span>').body.text).toBe('john@gmail.com');
    expect(readHtml('<div>one</div><div>two</div><br>three').body.text).toBe('\none\n\ntwo\n\nthree');
  });

  it('when href, alt and title carry text, then they are read as attributes, with %40 decoded in URLs', () => {
    const view = readHtml('<a href="mailto:john%40gmail.com" title="Mail &amp; more"><img src="https://x/y.png" alt="call 010"></a>');
    expect(view.attributes.map((a) => [a.name, a.value.text])).toEqual([
      ['href', 'mailto:john@gmail.com'],
      ['title', 'Mail & more'],
      ['alt', 'call 010'],
    ]);
    expect(view.images).toHaveLength(1);
    expect(view.images[0]!.attrs.get('src')).toBe('https://x/y.png');
  });

  it('when the markup has scripts, styles and comments, then their content is not text', () => {
    expect(readHtml('<style>p{}</style><script>var a="x@y.com"</script><!-- a@b.com -->hi').body.text).toBe('hi');
  });

  it('when hidden elements hold text, then it is read like any other text', () => {
    expect(readHtml('<p style="display:none">secret@x.com</p>').body.text).toContain('secret@x.com');
  });

  it('when the markup is broken (stray <, unterminated tag, unquoted values), then reading finishes and keeps the text', () => {
    expect(readHtml('a < b and 3<4 <p class=x>ok').body.text).toBe('a < b and 3<4 \nok');
    expect(readHtml('text <a href="unterminated').body.text).toBe('text ');
  });

  it('when content ranges are listed, then they cover text and attribute values but never markup', () => {
    const html = '<a href="x">hi</a>';
    const ranges = readHtml(html).content.map((r) => html.slice(r.start, r.end));
    expect(ranges).toEqual(['x', 'hi']);
  });
});
