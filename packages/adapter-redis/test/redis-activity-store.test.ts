import { activityStoreContract } from "@feed-engine/core/testing";
import { afterAll } from "vitest";
import { RedisActivityStore } from "../src/index.js";
import { cleanUp, clusterClient, prefixes, standaloneClient } from "./redis-clients.js";

const client = standaloneClient();
const cluster = clusterClient();
const prefix = prefixes();

afterAll(async () => {
  await cleanUp(client, prefix.base);
  client.disconnect();
  cluster.disconnect();
});

activityStoreContract("RedisActivityStore (standalone)", () => {
  return new RedisActivityStore({ client, prefix: prefix.fresh() });
});

activityStoreContract("RedisActivityStore (standalone, 1 bucket)", () => {
  return new RedisActivityStore({ client, prefix: prefix.fresh(), buckets: 1 });
});

activityStoreContract("RedisActivityStore (cluster)", () => {
  return new RedisActivityStore({ client: cluster, prefix: prefix.fresh() });
});
