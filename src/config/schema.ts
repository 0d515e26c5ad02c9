import { z } from 'zod';

/**
 * How an environment string becomes a value. Kept beside each key so the loader needs no
 * knowledge of individual settings.
 */
export type EnvKind = 'string' | 'int' | 'bool' | 'intList' | 'stringList';

export interface SettingMeta {
  env: string;
  kind: EnvKind;
  doc: string;
  secret?: boolean;
}

const registry = new Map<z.ZodType, SettingMeta>();

/** Declares one leaf setting: its type, its environment variable and its documentation. */
function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  // describe() returns a fresh instance, so shared building blocks (port, host) get one entry per key.
  const own = schema.describe(meta.doc) as T;
  registry.set(own, meta);
  return own;
}

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);
const domainName = z
  .string()
  .min(3)
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'must be a lowercase DNS name like relay.example.com');
const outboundTarget = z
  .string()
  .regex(/^(mx|smtps?:\/\/.+)$/, 'must be "mx" or a smarthost URL like smtp://host:port');
const positive = z.number().int().min(1);
const optionalSecret = z.string().min(16, 'must be at least 16 characters').optional();
/** Intl is the authority on zone names: whatever it accepts is what the cap's day arithmetic can use. */
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as UTC or Europe/Berlin');

export const configSchema = z.object({
  domain: setting(domainName, { env: 'PARLEY_DOMAIN', kind: 'string', doc: 'Alias domain Parley is the MX for; every alias lives here.' }),
  hostname: setting(domainName.optional(), {
    env: 'PARLEY_HOSTNAME',
    kind: 'string',
    doc: 'Public host name in the SMTP greeting and our Received header (default: the alias domain). Never the internal host name: it would reach the other party.',
  }),
  dataDir: setting(z.string().min(1), { env: 'PARLEY_DATA_DIR', kind: 'string', doc: 'Directory for the spool, the embedded store and generated dev secrets.' }),
  // Each worker is a whole relay (SMTP, delivery, API) sharing the listening ports and the store; beyond 64
  // processes a node is better split into several.
  workers: setting(z.number().int().min(0).max(64), {
    env: 'PARLEY_WORKERS',
    kind: 'int',
    doc: 'Relay processes on this node sharing the SMTP and API ports (0 = one per CPU core); each has its own spool.',
  }),
  smtp: z.object({
    host: setting(host, { env: 'PARLEY_SMTP_HOST', kind: 'string', doc: 'Address the inbound SMTP server listens on.' }),
    port: setting(port, { env: 'PARLEY_SMTP_PORT', kind: 'int', doc: 'Port of the inbound SMTP server (25 in production).' }),
    maxMessageSize: setting(z.number().int().min(1024), {
      env: 'PARLEY_MAX_MESSAGE_SIZE',
      kind: 'int',
      doc: 'Largest message accepted, in bytes; advertised as SIZE.',
    }),
    tlsCert: setting(z.string().optional(), { env: 'PARLEY_TLS_CERT', kind: 'string', doc: 'PEM certificate for STARTTLS (dev: self-signed one generated in the data directory).' }),
    tlsKey: setting(z.string().optional(), { env: 'PARLEY_TLS_KEY', kind: 'string', doc: 'PEM private key for STARTTLS.' }),
  }),
  api: z.object({
    host: setting(host, { env: 'PARLEY_API_HOST', kind: 'string', doc: 'Address the admin HTTP API listens on.' }),
    port: setting(port, { env: 'PARLEY_API_PORT', kind: 'int', doc: 'Port of the admin HTTP API.' }),
  }),
  redis: z.object({
    url: setting(z.string().optional(), {
      env: 'PARLEY_REDIS_URL',
      kind: 'string',
      doc: 'Redis URL (redis://…); unset means the embedded store. For Redis Cluster list seed nodes comma-separated and set cluster.',
    }),
    cluster: setting(z.boolean(), { env: 'PARLEY_REDIS_CLUSTER', kind: 'bool', doc: 'Treat the Redis URL as Redis Cluster seed nodes.' }),
    keyPrefix: setting(z.string().regex(/^[^{}]*$/, 'must not contain { or } (they are hash tags)'), {
      env: 'PARLEY_REDIS_PREFIX',
      kind: 'string',
      doc: 'Prefix of every Redis key, so several deployments can share one Redis.',
    }),
  }),
  outbound: z.object({
    target: setting(outboundTarget, {
      env: 'PARLEY_OUTBOUND',
      kind: 'string',
      doc: 'Where forwarded mail goes: smtp://host:port smarthost, or mx for direct delivery to the recipient domain.',
    }),
    retrySchedule: setting(z.array(z.number().int().min(1)).min(1), {
      env: 'PARLEY_RETRY_SCHEDULE',
      kind: 'intList',
      doc: 'Seconds between delivery attempts, comma-separated; the last step repeats.',
    }),
    maxQueueAge: setting(z.number().int().min(1), {
      env: 'PARLEY_MAX_QUEUE_AGE',
      kind: 'int',
      doc: 'Seconds a message may wait in the queue before it bounces.',
    }),
    concurrency: setting(z.number().int().min(1).max(1000), { env: 'PARLEY_OUTBOUND_CONCURRENCY', kind: 'int', doc: 'Deliveries in flight at once.' }),
    perDestination: setting(z.number().int().min(1).max(1000), {
      env: 'PARLEY_OUTBOUND_PER_DESTINATION',
      kind: 'int',
      doc: 'Deliveries in flight to one destination domain at once.',
    }),
  }),
  senderAuth: setting(z.enum(['enforce', 'record', 'off']), {
    env: 'PARLEY_SENDER_AUTH',
    kind: 'string',
    doc: 'Whether SPF/DKIM/DMARC results can refuse mail (enforce), are only recorded (record), or are not checked (off).',
  }),
  dkim: z.object({
    selector: setting(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i), { env: 'PARLEY_DKIM_SELECTOR', kind: 'string', doc: 'DKIM selector for the alias domain.' }),
    keyPath: setting(z.string().optional(), {
      env: 'PARLEY_DKIM_KEY',
      kind: 'string',
      doc: 'Path to the PEM private key that signs for the alias domain (dev: generated in the data directory).',
    }),
  }),
  secrets: z.object({
    generate: setting(z.boolean(), {
      env: 'PARLEY_GENERATE_SECRETS',
      kind: 'bool',
      doc: 'Generate missing secrets (and DKIM/TLS keys) into the data directory. For development; turn off in production.',
    }),
    aliasKey: setting(z.string().min(32, 'must be at least 32 characters').optional(), {
      env: 'PARLEY_ALIAS_KEY',
      kind: 'string',
      secret: true,
      doc: 'Key that derives new aliases. Rotating it never changes existing aliases (they are stored).',
    }),
    dataKey: setting(z.string().min(32, 'must be at least 32 characters').optional(), {
      env: 'PARLEY_DATA_KEY',
      kind: 'string',
      secret: true,
      doc: 'Key that encrypts real addresses at rest and keys their lookup hashes.',
    }),
    verpKey: setting(z.string().min(32, 'must be at least 32 characters').optional(), {
      env: 'PARLEY_VERP_KEY',
      kind: 'string',
      secret: true,
      doc: 'Key that signs bounce (VERP) addresses so forged bounces are dropped.',
    }),
    adminToken: setting(optionalSecret, { env: 'PARLEY_ADMIN_TOKEN', kind: 'string', secret: true, doc: 'Bearer token of the admin role.' }),
    reviewerToken: setting(optionalSecret, { env: 'PARLEY_REVIEWER_TOKEN', kind: 'string', secret: true, doc: 'Bearer token of the reviewer role.' }),
  }),
  limits: z.object({
    // A year covers any seasonality; longer only makes the once-a-day order count scan more history.
    capWindowDays: setting(z.number().int().min(1).max(366), {
      env: 'PARLEY_CAP_WINDOW_DAYS',
      kind: 'int',
      doc: "Days of order history the seller's daily cap averages over (cap = 600 + 5 × average daily orders).",
    }),
    capTimeZone: setting(timeZone, {
      env: 'PARLEY_CAP_TIME_ZONE',
      kind: 'string',
      doc: 'IANA time zone whose calendar day the daily cap counts and resets in.',
    }),
    capReply: setting(z.enum(['permanent', 'temporary']), {
      env: 'PARLEY_CAP_REPLY',
      kind: 'string',
      doc: 'Reply when a seller is over the daily cap: permanent (550 5.4.5) or temporary (452 4.5.3, clients retry later).',
    }),
    // Abuse limits at the SMTP edge. The reason for each default is in config/default.yaml beside its value.
    maxConnections: setting(positive, {
      env: 'PARLEY_MAX_CONNECTIONS',
      kind: 'int',
      doc: 'SMTP connections open at once on this node; beyond it new ones get 421 4.7.0. Each may buffer a whole message in memory.',
    }),
    maxConnectionsPerIp: setting(positive, {
      env: 'PARLEY_MAX_CONNECTIONS_PER_IP',
      kind: 'int',
      doc: 'SMTP connections open at once from one client IPv4 address or IPv6 /64 on this node; beyond it 421 4.7.0.',
    }),
    greetPassTtlSeconds: setting(z.number().int().min(0), {
      env: 'PARLEY_GREET_PASS_TTL',
      kind: 'int',
      doc: 'Seconds a client that waited for the greeting and started a transaction is greeted without the 100 ms early-talker pause (as postscreen_greet_ttl); 0 = every connection waits.',
    }),
    rateWindowSeconds: setting(positive, {
      env: 'PARLEY_RATE_WINDOW_SECONDS',
      kind: 'int',
      doc: 'Window of the per-client connection and message rates, in seconds (counted in the store, shared by every node).',
    }),
    connectionRatePerIp: setting(positive, {
      env: 'PARLEY_CONNECTION_RATE_PER_IP',
      kind: 'int',
      doc: 'Connections one client IPv4 address or IPv6 /64 may open per rate window; beyond it 451 4.7.1 with a retry hint.',
    }),
    messageRatePerIp: setting(positive, {
      env: 'PARLEY_MESSAGE_RATE_PER_IP',
      kind: 'int',
      doc: 'Messages (MAIL FROM) one client IPv4 address or IPv6 /64 may start per rate window; beyond it 451 4.7.1 with a retry hint.',
    }),
    partyRateWindowSeconds: setting(positive, {
      env: 'PARLEY_PARTY_RATE_WINDOW_SECONDS',
      kind: 'int',
      doc: 'Window of the per-party message rate, in seconds.',
    }),
    messageRatePerParty: setting(positive, {
      env: 'PARLEY_MESSAGE_RATE_PER_PARTY',
      kind: 'int',
      doc: 'Messages one sending party (buyer or seller) may send per party rate window; beyond it 451 4.7.1 with a retry hint.',
    }),
    maxRecipients: setting(positive, {
      env: 'PARLEY_MAX_RECIPIENTS',
      kind: 'int',
      doc: 'Accepted recipients per message; beyond it 452 4.5.3, and the client sends the rest in another transaction.',
    }),
    maxHeaderBytes: setting(z.number().int().min(1024), {
      env: 'PARLEY_MAX_HEADER_BYTES',
      kind: 'int',
      doc: 'Largest header section of a message, in bytes; beyond it 552 5.3.4.',
    }),
    maxLineLength: setting(z.number().int().min(78), {
      env: 'PARLEY_MAX_LINE_LENGTH',
      kind: 'int',
      doc: 'Longest line of a message in characters, CRLF not counted (RFC 5321: 998); beyond it 554 5.6.0.',
    }),
    maxMimeParts: setting(positive, {
      env: 'PARLEY_MAX_MIME_PARTS',
      kind: 'int',
      doc: 'MIME parts per message, counted by a linear scan before parsing; beyond it 554 5.6.0.',
    }),
    maxMimeDepth: setting(positive, {
      env: 'PARLEY_MAX_MIME_DEPTH',
      kind: 'int',
      doc: 'Nesting depth of multiparts and attached messages; beyond it 554 5.6.0.',
    }),
    largeMessageBytes: setting(positive, {
      env: 'PARLEY_LARGE_MESSAGE_BYTES',
      kind: 'int',
      doc: 'Messages of at least this many bytes are large: processed and delivered a bounded number at a time, memory collected after each.',
    }),
    largeMessagesAtOnce: setting(positive, {
      env: 'PARLEY_LARGE_MESSAGES_AT_ONCE',
      kind: 'int',
      doc: 'Large messages one relay process works on at once, received (parsed, rebuilt, sealed) and, separately, delivered; others wait their turn holding only their bytes.',
    }),
    idleTimeoutSeconds: setting(positive, {
      env: 'PARLEY_SMTP_IDLE_TIMEOUT',
      kind: 'int',
      doc: 'Seconds an SMTP client may send nothing while we wait for it; then 421 4.4.2 and the connection closes.',
    }),
    commandTimeoutSeconds: setting(positive, {
      env: 'PARLEY_SMTP_COMMAND_TIMEOUT',
      kind: 'int',
      doc: 'Seconds from the first byte of a command line to its CRLF, however the bytes trickle in (slowloris); then 421 4.4.2.',
    }),
    dataTimeoutSeconds: setting(positive, {
      env: 'PARLEY_SMTP_DATA_TIMEOUT',
      kind: 'int',
      doc: 'Seconds from the 354 reply to the final dot of a message, however the bytes trickle in; then 421 4.4.2.',
    }),
    sessionTimeoutSeconds: setting(positive, {
      env: 'PARLEY_SMTP_SESSION_TIMEOUT',
      kind: 'int',
      doc: 'Seconds one SMTP connection may last; then, once no reply is pending, 421 4.4.2 and the client reconnects.',
    }),
    rcptFailuresBeforeDelay: setting(z.number().int().min(0), {
      env: 'PARLEY_RCPT_FAILURES_BEFORE_DELAY',
      kind: 'int',
      doc: 'Refused recipients (unknown alias, relaying, sender not allowed) answered at once before each further one is delayed.',
    }),
    rcptFailureDelayMs: setting(z.number().int().min(0), {
      env: 'PARLEY_RCPT_FAILURE_DELAY_MS',
      kind: 'int',
      doc: 'Tarpit: each refused recipient past the free ones waits this many milliseconds more than the one before.',
    }),
    rcptFailureMaxDelayMs: setting(z.number().int().min(0), {
      env: 'PARLEY_RCPT_FAILURE_MAX_DELAY_MS',
      kind: 'int',
      doc: 'Longest tarpit delay of one refused recipient, in milliseconds.',
    }),
    maxRcptFailuresPerConnection: setting(positive, {
      env: 'PARLEY_MAX_RCPT_FAILURES_PER_CONNECTION',
      kind: 'int',
      doc: 'Refused recipients one connection may collect; the next one gets 421 4.7.0 and the connection closes.',
    }),
    maxRcptFailuresPerIp: setting(positive, {
      env: 'PARLEY_MAX_RCPT_FAILURES_PER_IP',
      kind: 'int',
      doc: 'Refused recipients one client IPv4 address or IPv6 /64 may collect per failure window, across connections and nodes; then 421 4.7.0.',
    }),
    rcptFailureWindowSeconds: setting(positive, {
      env: 'PARLEY_RCPT_FAILURE_WINDOW_SECONDS',
      kind: 'int',
      doc: 'Window of the per-client refused-recipient count, in seconds.',
    }),
  }),
  policy: z.object({
    file: setting(z.string().optional(), {
      env: 'PARLEY_POLICY_FILE',
      kind: 'string',
      doc: 'Content policy rules (YAML); unset = the bundled config/policy.yaml. Reloaded on SIGHUP or POST /v1/policy/reload.',
    }),
  }),
  quarantine: z.object({
    // At least a day, so an hourly purge never deletes what a reviewer is about to open; ten years covers any
    // legal hold, and more is a typo that would keep message content forever.
    retentionDays: setting(z.number().int().min(1).max(3650), {
      env: 'PARLEY_QUARANTINE_RETENTION_DAYS',
      kind: 'int',
      doc: 'Days a quarantined message (held, released or rejected) is kept, original included, before the hourly purge deletes it.',
    }),
  }),
  log: z.object({
    level: setting(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
      env: 'PARLEY_LOG_LEVEL',
      kind: 'string',
      doc: 'Log level (pino).',
    }),
  }),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

export interface SettingInfo extends SettingMeta {
  key: string;
  schema: z.ZodType;
}

/** Every leaf setting with its dotted key, in declaration order. */
export function listSettings(): SettingInfo[] {
  const out: SettingInfo[] = [];
  const walk = (schema: z.ZodType, prefix: string): void => {
    const meta = registry.get(schema);
    if (meta) {
      out.push({ key: prefix, schema, ...meta });
      return;
    }
    if (schema instanceof z.ZodObject) {
      for (const [name, child] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        walk(child, prefix ? `${prefix}.${name}` : name);
      }
      return;
    }
    throw new Error(`config schema: ${prefix} has no setting metadata`);
  };
  walk(configSchema, '');
  return out;
}
