import { describe, expect, it } from 'vitest';
import { parseSmarthost } from './transport.js';

describe('smarthost target', () => {
  it('when the URL is smtp:// without a port, then STARTTLS on the submission port with a verified certificate', () => {
    expect(parseSmarthost('smtp://relay.internal.example')).toEqual({
      host: 'relay.internal.example',
      port: 587,
      secure: false,
      verifyCertificate: true,
      requireTLS: false,
    });
  });

  it('when the URL is smtps:// with URL-encoded credentials and options, then implicit TLS with decoded auth', () => {
    expect(parseSmarthost('smtps://relay%40example:p%40ss%2Fword@[::1]:2465?verify=false&requireTLS=true')).toEqual({
      host: '::1',
      port: 2465,
      secure: true,
      auth: { user: 'relay@example', pass: 'p@ss/word' },
      verifyCertificate: false,
      requireTLS: true,
    });
  });

  it('when the target is neither mx nor an smtp(s) URL, then it is refused', () => {
    for (const bad of ['http://relay.example', 'relay.example:25', 'smtp://']) expect(() => parseSmarthost(bad)).toThrow(TypeError);
  });
});
