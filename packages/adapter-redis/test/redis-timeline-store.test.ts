import { timelineStoreContract } from "@feed-engine/core/testing";
import { afterAll } from "vitest";
import { RedisTimelineStore } from "../src/index.js";
import { cleanUp, clusterClient, prefixes, standaloneClient } from "./redis-clients.js";

const client = standaloneClient();
const cluster = clusterClient();
const prefix = prefixes();

afterAll(async () => {
  await cleanUp(client, prefix.base);
  client.disconnect();
  cluster.disconnect();
});

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
