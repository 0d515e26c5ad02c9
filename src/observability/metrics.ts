import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the queue gauges read when Prometheus scrapes. */
export interface QueueView {
  depth(): number;
  /** Age of the oldest queued message, in ms. */
  oldestAge(): number;
}

/**
 * Prometheus metrics of one process, in a registry of its own (never prom-client's global one), so two
 * relays in one process (tests) or a relay and a tool never mix their numbers. Labels are closed sets
 * (verdicts, reply codes, rule ids, outcomes): nothing with a party id or an address.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly messages = new Counter({
    name: 'parley_messages_total',
    help: 'Messages at the end of DATA, by verdict (accepted, held, policy_rejected, refused, deferred) and reason',
    labelNames: ['verdict', 'reason'] as const,
    registers: [this.registry],
  });

  readonly smtpReplies = new Counter({
    name: 'parley_smtp_replies_total',
    help: 'SMTP replies to RCPT and DATA, by code and enhanced code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly greetings = new Counter({
    name: 'parley_greetings_total',
    help: 'SMTP greetings by pause: waited (the 100 ms early-talker test) or skipped (the client passed it before)',
    labelNames: ['pause'] as const,
    registers: [this.registry],
  });

  readonly connectionHandoffs = new Counter({
    name: 'parley_connection_handoffs_total',
    help: 'Connections a worker passed to another worker of the node because its share of the connection limits was full',
    registers: [this.registry],
  });

  readonly policyFindings = new Counter({
    name: 'parley_policy_findings_total',
    help: 'Content policy findings by rule and action',
    labelNames: ['rule', 'action'] as const,
    registers: [this.registry],
  });

  readonly deliveryAttempts = new Counter({
    name: 'parley_delivery_attempts_total',
    help: 'Outbound delivery attempts by outcome (delivered, deferred, failed, expired)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly acceptLatency = new Histogram({
    name: 'parley_accept_seconds',
    help: 'From the end of DATA to our reply: parsing, checks, signing and the spool fsync',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'parley_delivery_seconds',
    help: 'From acceptance to delivery at the next hop',
    buckets: [0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600, 14400, 86400],
    registers: [this.registry],
  });

  readonly capUtilisation = new Histogram({
    name: 'parley_daily_cap_utilisation_ratio',
    help: "A seller's used share of the daily cap, observed at each seller message",
    buckets: [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1],
    registers: [this.registry],
  });

  readonly storeRoundTrip = new Histogram({
    name: 'parley_store_round_trip_seconds',
    help: 'Round trip of a store ping (Redis or LMDB), sampled periodically',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
    registers: [this.registry],
  });

  readonly storeUp = new Gauge({ name: 'parley_store_up', help: '1 when the last store ping succeeded', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_process_' });
  }

  /** Queue depth and age are read from the spool at scrape time rather than tracked on every change. */
  watchQueue(queue: QueueView): void {
    new Gauge({ name: 'parley_queue_depth', help: 'Messages in this node\'s spool', registers: [this.registry], collect() { this.set(queue.depth()); } });
    new Gauge({
      name: 'parley_queue_oldest_seconds',
      help: "Age of the oldest message in this node's spool",
      registers: [this.registry],
      collect() {
        this.set(queue.oldestAge() / 1000);
      },
    });
  }

  /** Large messages waiting for their turn (see LargeMessageGate), read at scrape time. */
  watchLargeMessages(waiting: () => number): void {
    new Gauge({
      name: 'parley_large_messages_waiting',
      help: 'Large messages waiting for their turn to be processed or delivered on this node',
      registers: [this.registry],
      collect() {
        this.set(waiting());
      },
    });
  }

  /** Samples the store's round trip every intervalMs; returns a stop function. */
  watchStore(ping: () => Promise<void>, intervalMs = 15_000): () => void {
    const sample = () => {
      const end = this.storeRoundTrip.startTimer();
      ping().then(
        () => {
          end();
          this.storeUp.set(1);
        },
        () => this.storeUp.set(0),
      );
    };
    sample();
    const timer = setInterval(sample, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
