/**
 * The model-based property suite of the core issue, on real servers: PostgreSQL as the source of truth (users, posts,
 * graph, notifications) and Redis for timelines and last-seen times. Every run gets a fresh migrated schema and a
 * fresh key prefix, both removed after the run. Runs per policy and property: FEED_PROPERTY_RUNS_SERVERS (default 200).
 */
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import { enginePropertySuite } from "@feed-engine/core/testing";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { freshPostgresStores } from "./postgres-stores.js";

const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 4 });
const redis = new Redis(inject("redisUrl"));
afterAll(async () => {
  await pool.end();
  redis.disconnect();
});

async function deleteKeys(prefix: string): Promise<void> {
  const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
}

enginePropertySuite("PostgreSQL + Redis", {
  numRuns: Number(process.env.FEED_PROPERTY_RUNS_SERVERS ?? 200),
  stores: async ({ timelineCap }) => {
    const postgres = await freshPostgresStores(pool);
    const prefix = `${inject("redisPrefix")}prop:${postgres.tag}:`;
    return {
      stores: {
        ...postgres.stores,
        timelines: new RedisTimelineStore({ client: redis, prefix, cap: timelineCap }),
        activity: new RedisActivityStore({ client: redis, prefix, buckets: 16 }),
      },
      close: async () => {
        await postgres.drop();
        await deleteKeys(prefix);
      },
    };
  },
});
