/**
 * The engine's model-based property suite (core's oracle of docs/definitions.md) with Redis holding the timelines and
 * the last-seen times, everything else in memory: on the standalone server and on the cluster. Each run gets a fresh
 * key prefix. Runs per policy and property: FEED_PROPERTY_RUNS_SERVERS (default 100).
 */
import { enginePropertySuite } from "@feed-engine/core/testing";
import { RedisActivityStore, RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, cluster, prefix } = redisTestClients();
const numRuns = Number(process.env.FEED_PROPERTY_RUNS_SERVERS ?? 100);

for (const [name, redis] of [
  ["standalone", client],
  ["cluster", cluster],
] as const) {
  enginePropertySuite(`Redis timelines and activity (${name})`, {
    numRuns,
    stores: async ({ timelineCap }) => {
      const base = prefix.fresh();
      return {
        stores: {
          timelines: new RedisTimelineStore({ client: redis, prefix: base, cap: timelineCap }),
          activity: new RedisActivityStore({ client: redis, prefix: base, buckets: 4 }),
        },
        close: async () => {},
      };
    },
  });
}
