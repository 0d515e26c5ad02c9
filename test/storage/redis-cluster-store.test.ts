import { afterAll, beforeAll } from 'vitest';
import { startRedisCluster, type LocalCluster } from '../helpers/redis-cluster.js';
import { redisStoreFactory } from '../helpers/stores.js';
import { storeContract } from './store-contract.js';

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

storeContract('redis cluster (3 masters)', redisStoreFactory(() => cluster.url, true));
