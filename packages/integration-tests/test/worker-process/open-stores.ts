import {
  PostgresGraphStore,
  PostgresNotificationStore,
  PostgresPostStore,
  PostgresUserStore,
} from "@feed-engine/adapter-postgres";
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import type { FeedStores } from "@feed-engine/core";
import { Redis } from "ioredis";
import pg from "pg";
import type { WorkerConfig } from "./worker-config.js";

/** The stores a config names, opened the same way in the test process and in the worker process. */
export interface OpenStores {
  stores: FeedStores;
  /** Deletes every Redis key under the config's prefix. */
  deleteRedisKeys(): Promise<void>;
  /** Ends the connections this opened. */
  close(): Promise<void>;
}

/** Opens PostgreSQL (source of truth) and Redis (timelines, last seen) as `config` says. */
export function openStores(config: Pick<WorkerConfig, "postgres" | "redis" | "timelineCap">): OpenStores {
  const pool = new pg.Pool({ connectionString: config.postgres.url, max: 4 });
  const redis = new Redis(config.redis.url);
  const { schema } = config.postgres;
  const { prefix } = config.redis;
  return {
    stores: {
      users: new PostgresUserStore({ pool, schema }),
      posts: new PostgresPostStore({ pool, schema }),
      graph: new PostgresGraphStore({ pool, schema }),
      notifications: new PostgresNotificationStore({ pool, schema }),
      timelines: new RedisTimelineStore({ client: redis, prefix, cap: config.timelineCap }),
      activity: new RedisActivityStore({ client: redis, prefix, buckets: 16 }),
    },
    deleteRedisKeys: async () => {
      const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
      for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
    },
    close: async () => {
      redis.disconnect();
      await pool.end();
    },
  };
}
