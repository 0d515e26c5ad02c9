import { resolveMx as dnsResolveMx } from 'node:dns/promises';
import type { Logger } from '../observability/logger.js';
import { useFastDotStuffing } from './dot-stuffing.js';
import { MxTransport, type MxResolver } from './mx-transport.js';
import { PooledSender, type Envelope, type SmtpTimeouts } from './pooled-sender.js';
import type { DeliveryResult } from './smtp-reply.js';

export type { DeliveryResult } from './smtp-reply.js';
export type { Envelope, SmtpTimeouts } from './pooled-sender.js';
export type { MxRecord, MxResolver } from './mx-transport.js';

export interface SendOptions {
  /** Aborts the attempt (shutdown); it then reports a temporary failure. */
  signal?: AbortSignal;
  /** The message's logger (it carries msgId), so transport lines can be tied to the message. */
  logger?: Logger;
}

export interface OutboundTransport {
  send(envelope: Envelope, raw: Buffer, options?: SendOptions): Promise<DeliveryResult>;
  /** Closes idle pooled connections; busy ones finish their current message first. */
  close(): Promise<void>;
}

export interface TransportOptions {
  /** outbound.target: `smtp://[user:pass@]host:port`, `smtps://…`, or `mx`. */
  target: string;
  /** EHLO name: our public host name, never the internal one (it would reach the other side). */
  heloName: string;
  logger: Logger;
  /** Smarthost pool size (outbound.concurrency). */
  maxConnections?: number;
  /** Connections per MX host (outbound.perDestination). */
  perHostConnections?: number;
  /** MX lookups; defaults to node:dns/promises resolveMx. Tests inject a zone as data. */
  resolveMx?: MxResolver;
  /** Port of remote MXs: 25, except in tests. */
  mxPort?: number;
  timeouts?: Partial<SmtpTimeouts>;
}

const defaultTimeouts: SmtpTimeouts = { connection: 30_000, greeting: 120_000, socket: 300_000 };

export function createOutboundTransport(options: TransportOptions): OutboundTransport {
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  try {
    useFastDotStuffing();
  } catch (err) {
    // Only speed is lost: nodemailer's own transform stuffs the same bytes. The unit test fails on such an upgrade.
    options.logger.warn({ err: (err as Error).message }, "nodemailer's DataStream not found: dots are stuffed by its own, slower transform");
  }
  if (options.target === 'mx') {
    return new MxTransport({
      heloName: options.heloName,
      logger: options.logger,
      resolveMx: options.resolveMx ?? dnsResolveMx,
      port: options.mxPort ?? 25,
      perHostConnections: options.perHostConnections ?? 5,
      timeouts,
    });
  }
  return new SmarthostTransport(parseSmarthost(options.target), options, timeouts);
}

export interface Smarthost {
  host: string;
  port: number;
  /** smtps: TLS from the first byte. smtp: STARTTLS when offered. */
  secure: boolean;
  auth?: { user: string; pass: string };
  /** `?verify=false`: accept an unverifiable certificate (an internal relay with a self-signed one). */
  verifyCertificate: boolean;
  /** `?requireTLS=true`: refuse to talk (and send credentials) in clear text. */
  requireTLS: boolean;
}

export function parseSmarthost(target: string): Smarthost {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TypeError('outbound target must be "mx" or smtp(s)://[user:pass@]host:port');
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    throw new TypeError('outbound target must be "mx" or smtp(s)://[user:pass@]host:port');
  }
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    verifyCertificate: url.searchParams.get('verify') !== 'false',
    requireTLS: url.searchParams.get('requireTLS') === 'true',
  };
}

class SmarthostTransport implements OutboundTransport {
  private readonly pool: PooledSender;

  constructor(
    private readonly smarthost: Smarthost,
    private readonly options: TransportOptions,
    timeouts: SmtpTimeouts,
  ) {
    this.pool = new PooledSender({
      host: smarthost.host,
      port: smarthost.port,
      secure: smarthost.secure,
      requireTLS: smarthost.requireTLS,
      ...(smarthost.auth ? { auth: smarthost.auth } : {}),
      // The smarthost is a fixed, configured peer that receives our credentials and all mail: verify it
      // unless the operator opted out for an internal relay.
      tls: { rejectUnauthorized: smarthost.verifyCertificate },
      name: options.heloName,
      maxConnections: options.maxConnections ?? 5,
      connectionTimeout: timeouts.connection,
      greetingTimeout: timeouts.greeting,
      socketTimeout: timeouts.socket,
    });
  }

  async send(envelope: Envelope, raw: Buffer, options: SendOptions = {}): Promise<DeliveryResult> {
    const result = await this.pool.send(envelope, raw, options.signal);
    (options.logger ?? this.options.logger).debug({ kind: result.kind }, 'smarthost attempt');
    return result.kind === 'delivered' ? result : { ...result, remoteHost: this.smarthost.host };
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
