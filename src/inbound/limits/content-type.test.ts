import { describe, expect, it } from 'vitest';
import { parseContentType } from './content-type.js';

describe('parseContentType', () => {
  it.each([
    ['multipart/mixed; boundary="abc def"', 'multipart/mixed', 'abc def'],
    ['Multipart/Alternative; BOUNDARY=plain-token', 'multipart/alternative', 'plain-token'],
    ['multipart/mixed; boundary=b (a comment)', 'multipart/mixed', 'b'],
    ['multipart/mixed (comment); charset=x; boundary=(c)b', 'multipart/mixed', '(c)b'],
    ['multipart/mixed; boundary=first; boundary=second', 'multipart/mixed', 'first'],
    ['multipart/mixed; boundary="b"junk', 'multipart/mixed', 'b'],
    ['multipart/mixed; boundary="a\\"b"', 'multipart/mixed', 'a"b'],
    ['multipart/mixed; boundary=plain; boundary*0=con; boundary*1=tinued', 'multipart/mixed', 'continued'],
    ["multipart/mixed; boundary*=us-ascii'en'a%2Db", 'multipart/mixed', 'a-b'],
    ['multipart/mixed; boundary="trailing   "', 'multipart/mixed', 'trailing'],
  ])('when the value is %s, then the type is %s and the boundary is the one the parser splits by', (value, type, boundary) => {
    expect(parseContentType(value)).toEqual({ type, boundary });
  });

  it('when the boundary is missing, empty or not ASCII, then there is none', () => {
    expect(parseContentType('multipart/mixed').boundary).toBeUndefined();
    expect(parseContentType('multipart/mixed; boundary=""').boundary).toBeUndefined();
    expect(parseContentType('multipart/mixed; boundary="abé"').boundary).toBeUndefined();
    expect(parseContentType('')).toEqual({ type: '', boundary: undefined });
  });
});
