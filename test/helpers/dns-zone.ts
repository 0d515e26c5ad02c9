import type { MxRecord, MxResolver } from '../../src/outbound/transport.js';

/**
 * A DNS zone as data, answering like dns.promises.resolve (the one fake we allow: the internet's DNS is
 * out of reach). Every query is recorded in `calls` so tests can assert what was looked up.
 */
export type ZoneRecords = Record<string, { TXT?: string[]; MX?: { exchange: string; priority: number }[]; A?: string[]; AAAA?: string[]; TEMPFAIL?: boolean }>;

export interface FakeResolver {
  (name: string, rrtype: string): Promise<unknown>;
  calls: { name: string; rrtype: string }[];
}

export function dnsZone(records: ZoneRecords): FakeResolver {
  const calls: { name: string; rrtype: string }[] = [];
  const resolver = async (name: string, rrtype: string): Promise<unknown> => {
    calls.push({ name, rrtype });
    const entry = records[name.toLowerCase().replace(/\.$/, '')];
    if (entry?.TEMPFAIL) throw Object.assign(new Error(`queryTxt ESERVFAIL ${name}`), { code: 'ESERVFAIL' });
    const answer = entry?.[rrtype as 'TXT' | 'MX' | 'A' | 'AAAA'];
    if (!answer || answer.length === 0) {
      throw Object.assign(new Error(`query${rrtype} ${entry ? 'ENODATA' : 'ENOTFOUND'} ${name}`), { code: entry ? 'ENODATA' : 'ENOTFOUND' });
    }
    // TXT answers are arrays of chunks; long records are split at 255 characters as real DNS does.
    if (rrtype === 'TXT') return (answer as string[]).map((txt) => txt.match(/.{1,255}/g) ?? ['']);
    return answer;
  };
  return Object.assign(resolver, { calls });
}


/** A DNS error code as node:dns reports it: ENODATA (no MX), ENOTFOUND (NXDOMAIN), ESERVFAIL, ETIMEOUT… */
type DnsError = 'ENODATA' | 'ENOTFOUND' | 'ESERVFAIL' | 'ETIMEOUT';

/**
 * MX records as data, for injecting into the transport: domains missing from the zone do not exist (NXDOMAIN).
 * Records every lookup in `calls`, so tests can assert what was asked.
 */
export function mxZone(zone: Record<string, MxRecord[] | DnsError>): MxResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (domain: string): Promise<MxRecord[]> => {
    calls.push(domain);
    const entry = zone[domain] ?? 'ENOTFOUND';
    if (typeof entry === 'string') throw Object.assign(new Error(`queryMx ${entry} ${domain}`), { code: entry });
    return entry;
  };
  return Object.assign(resolve, { calls });
}
