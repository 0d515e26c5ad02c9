import type { QuarantinedMessage } from '../../src/quarantine/quarantine-record.js';
import { QuarantineSealer } from '../../src/quarantine/quarantine-sealer.js';
import { QuarantineService } from '../../src/quarantine/quarantine-service.js';
import type { Store } from '../../src/storage/ports.js';
import { testLogger, testSecrets } from './env.js';
import { embeddedStoreFactory, redisStoreFactory } from './stores.js';

export interface Delivery {
  message: QuarantinedMessage;
  raw: Buffer;
  opts: { mask: boolean };
}

/**
 * A QuarantineService over a real store, with the relay's two seams (deliver, notifySender) as recording fakes:
 * they are what the pipeline will plug in, not our storage. Set `fail.deliver` / `fail.notify` to make the
 * next calls throw.
 */
export interface QuarantineHarness {
  store: Store;
  service: QuarantineService;
  deliveries: Delivery[];
  notices: { message: QuarantinedMessage; reason: string }[];
  fail: { deliver?: Error; notify?: Error };
  clock: { now: number };
}

export async function quarantineHarness(kind: 'embedded' | 'redis', retentionDays = 90): Promise<QuarantineHarness> {
  const store = await (kind === 'redis' ? redisStoreFactory() : embeddedStoreFactory())();
  const h: Omit<QuarantineHarness, 'service'> = { store, deliveries: [], notices: [], fail: {}, clock: { now: Date.now() } };
  const service = new QuarantineService({
    quarantine: store.quarantine,
    audit: store.audit,
    sealer: new QuarantineSealer(testSecrets.dataKey),
    deliver: async (message, raw, opts) => {
      h.deliveries.push({ message, raw, opts });
      if (h.fail.deliver) throw h.fail.deliver;
    },
    notifySender: async (message, reason) => {
      h.notices.push({ message, reason });
      if (h.fail.notify) throw h.fail.notify;
    },
    retentionDays,
    logger: testLogger(),
    now: () => h.clock.now,
  });
  return { ...h, service };
}
