import { describe, expect, it } from 'vitest';
import { mxZone } from '../../test/helpers/dns-zone.js';
import { lookupMxHosts } from './mx-transport.js';

describe('MX lookup', () => {
  const zone = mxZone({
    'shop.example': [
      { exchange: 'backup.shop.example', priority: 20 },
      { exchange: 'MX1.Shop.Example.', priority: 10 },
    ],
    'no-mx.example': 'ENODATA',
    'empty.example': [],
    'null-mx.example': [{ exchange: '', priority: 0 }],
    'null-mx-dot.example': [{ exchange: '.', priority: 0 }],
    'broken-dns.example': 'ESERVFAIL',
    'many.example': Array.from({ length: 12 }, (_, i) => ({ exchange: `mx${i}.many.example`, priority: i })),
  });

  it('when a domain has MX records, then its hosts come in preference order, normalised', async () => {
    expect(await lookupMxHosts('shop.example', zone)).toEqual({ kind: 'hosts', hosts: ['mx1.shop.example', 'backup.shop.example'] });
    expect(zone.calls).toContain('shop.example');
  });

  it('when a domain has no MX records, then mail goes to the domain itself (its address records, RFC 5321 5.1)', async () => {
    expect(await lookupMxHosts('no-mx.example', zone)).toEqual({ kind: 'hosts', hosts: ['no-mx.example'] });
    expect(await lookupMxHosts('empty.example', zone)).toEqual({ kind: 'hosts', hosts: ['empty.example'] });
  });

  it('when a domain publishes a null MX, then delivery fails permanently with 5.1.10', async () => {
    for (const domain of ['null-mx.example', 'null-mx-dot.example']) {
      expect(await lookupMxHosts(domain, zone)).toMatchObject({ kind: 'permanent', code: 556, enhanced: '5.1.10' });
    }
  });

  it('when the domain does not exist, then it fails permanently; when DNS itself fails, then temporarily', async () => {
    expect(await lookupMxHosts('nowhere.example', zone)).toMatchObject({ kind: 'permanent', enhanced: '5.1.2' });
    const broken = await lookupMxHosts('broken-dns.example', zone);
    expect(broken).toMatchObject({ kind: 'temporary', diagnostic: 'MX lookup failed (ESERVFAIL)' });
    expect(JSON.stringify(broken)).not.toContain('broken-dns');
  });

  it('when a domain lists a dozen MX hosts, then only the five most preferred are tried', async () => {
    expect(await lookupMxHosts('many.example', zone)).toEqual({ kind: 'hosts', hosts: [0, 1, 2, 3, 4].map((i) => `mx${i}.many.example`) });
  });
});
