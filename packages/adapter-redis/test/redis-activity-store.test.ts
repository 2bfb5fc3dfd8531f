import { activityStoreContract } from "@feed-engine/core/testing";
import { RedisActivityStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, cluster, prefix } = redisTestClients();

activityStoreContract("RedisActivityStore (standalone)", () => {
  return new RedisActivityStore({ client, prefix: prefix.fresh() });
});

activityStoreContract("RedisActivityStore (standalone, 1 bucket)", () => {
  return new RedisActivityStore({ client, prefix: prefix.fresh(), buckets: 1 });
});

activityStoreContract("RedisActivityStore (cluster)", () => {
  return new RedisActivityStore({ client: cluster, prefix: prefix.fresh() });
});
