import { isIPv6 } from 'node:net';

export interface ScrubContext {
  /** The recipient's real address: must never reach the sender. */
  realRecipient: string;
  /** What the sender wrote to; replaces every mention of the real recipient. */
  recipientAlias: string;
  /** Servers we talked to, removed even when they are not shaped like host names (single labels). */
  remoteHosts?: string[];
}

const REMOTE = 'remote server';
/** The text comes from a remote server; bounding it bounds the regex work below. Real diagnostics are far shorter. */
const MAX_INPUT = 4000;
/** Marks where the alias goes; restored last so later passes (host names) cannot rewrite the alias's domain. */
const ALIAS_MARK = '\u0001';

const addressRe = /[\w.!#$%&'*+/=?^`{|}~\u0080-\uffff-]+@[\w\u0080-\uffff](?:[\w\u0080-\uffff-]*[\w\u0080-\uffff])?(?:\.[\w\u0080-\uffff](?:[\w\u0080-\uffff-]*[\w\u0080-\uffff])?)*/g;
const urlRe = /\b(?:https?|ftp):\/\/[^\s<>"')]+/gi;
const ipv6CandidateRe = /(?<![\w:])(?:IPv6:)?(?:[0-9a-f]{0,4}:){2,7}[0-9a-f.]*(?:%\w+)?/gi;
const ipv4Re = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d])/g;
const hostRe = /(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?(?![\w-])/gi;
/**
 * Exchange status details (`RESOLVER.ADR.RecipientNotFound`) look like host names but name a component and a
 * reason, which is what the sender needs to read. Upper-case component names only: real hosts are not written so.
 */
const exchangeDetailRe = /^(?:RESOLVER|STOREDRV|ROUTING|SMTPSEND|QUEUE|TRANSPORT)\.[A-Za-z]+(?:\.[A-Za-z]+)*$/;

/**
 * Makes a remote diagnostic safe to show the sender: the real recipient becomes the alias (any case, with or
 * without <…>, also its local part alone), other addresses and links are removed, and host names and IP
 * literals become "remote server", so nothing of the recipient's side (address, provider, hosts) leaks.
 */
export function scrubDiagnostic(text: string, ctx: ScrubContext): string {
  const real = ctx.realRecipient.trim();
  const at = real.lastIndexOf('@');
  const local = at > 0 ? real.slice(0, at) : real;
  const domain = at > 0 ? real.slice(at + 1) : '';

  let out = text.slice(0, MAX_INPUT).replaceAll(ALIAS_MARK, '');
  out = out.replace(new RegExp(escapeRe(real), 'gi'), ALIAS_MARK);
  out = out.replace(addressRe, (address) => {
    const lower = address.toLowerCase();
    // Same mailbox under another name of its domain (remote rewrites), or the alias itself: the alias.
    if (lower.startsWith(`${local.toLowerCase()}@`) || lower === ctx.recipientAlias.toLowerCase()) return ALIAS_MARK;
    return '[address removed]';
  });
  // Word-bounded, so "jo" does not eat "john". One-letter local parts are left: replacing every "a" in the
  // text would garble it, and a single letter says next to nothing about the recipient.
  if (local.length >= 2) {
    out = out.replace(new RegExp(`(?<![\\w.%+-])${escapeRe(local)}(?![\\w%+-]|\\.\\w)`, 'gi'), ALIAS_MARK);
  }
  out = out.replace(urlRe, '[link removed]');
  for (const host of [...(ctx.remoteHosts ?? []), domain]) {
    if (host) out = out.replace(new RegExp(`(?<![\\w.-])${escapeRe(host.replace(/\.$/, ''))}\\.?(?![\\w-])`, 'gi'), REMOTE);
  }
  out = out.replace(ipv6CandidateRe, (candidate) => {
    const bare = candidate.replace(/^IPv6:/i, '').replace(/%.*$/, '');
    return isIPv6(bare) ? REMOTE : candidate;
  });
  out = out.replace(ipv4Re, REMOTE);
  out = out.replace(hostRe, (host) => (exchangeDetailRe.test(host) ? host : REMOTE));
  // "mx.example.org[192.0.2.1]" became "remote server[remote server]": say it once.
  out = out.replace(/remote server\s*[[(]remote server[\])]/g, REMOTE);
  return out.replaceAll(ALIAS_MARK, ctx.recipientAlias);
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
