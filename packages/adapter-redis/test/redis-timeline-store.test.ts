import { timelineStoreContract } from "@feed-engine/core/testing";
import { RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, cluster, prefix } = redisTestClients();

timelineStoreContract("RedisTimelineStore (standalone, cap 5)", () => {
  return new RedisTimelineStore({ client, prefix: prefix.fresh(), cap: 5 });
});

timelineStoreContract("RedisTimelineStore (standalone, cap 800)", () => {
  return new RedisTimelineStore({ client, prefix: prefix.fresh() });
});

timelineStoreContract("RedisTimelineStore (standalone, cap 5, ttl 3600 s)", () => {
  return new RedisTimelineStore({ client, prefix: prefix.fresh(), cap: 5, ttlSeconds: 3600 });
});

timelineStoreContract("RedisTimelineStore (cluster, cap 5)", () => {
  return new RedisTimelineStore({ client: cluster, prefix: prefix.fresh(), cap: 5 });
});

timelineStoreContract("RedisTimelineStore (cluster, cap 800)", () => {
  return new RedisTimelineStore({ client: cluster, prefix: prefix.fresh() });
});
