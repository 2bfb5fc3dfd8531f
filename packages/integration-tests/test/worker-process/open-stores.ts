import {
  CassandraGraphStore,
  CassandraNotificationStore,
  CassandraPostStore,
  CassandraUserStore,
} from "@feed-engine/adapter-cassandra";
import {
  PostgresGraphStore,
  PostgresNotificationStore,
  PostgresPostStore,
  PostgresUserStore,
} from "@feed-engine/adapter-postgres";
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import type { FeedStores } from "@feed-engine/core";
import cassandra from "cassandra-driver";
import { Redis } from "ioredis";
import pg from "pg";
import type { Namespace, WorkerConfig } from "./worker-config.js";

/** The stores a config names, opened the same way in the test process and in the worker process. */
export interface OpenStores {
  /** The stores in the config's own namespace. */
  stores: FeedStores;
  /** The same servers and connections, another keyspace (Cassandra) and Redis prefix. */
  storesIn(namespace: Namespace): FeedStores;
  /** Deletes every Redis key under `prefix` (default the config's). */
  deleteRedisKeys(prefix?: string): Promise<void>;
  /** Ends the connections this opened. */
  close(): Promise<void>;
}

/** Opens the source of truth (PostgreSQL or Cassandra) and Redis (timelines, last seen) as `config` says. */
export async function openStores(config: Pick<WorkerConfig, "source" | "redis" | "timelineCap">): Promise<OpenStores> {
  const redis = new Redis(config.redis.url);
  const redisStores = (prefix: string) => ({
    timelines: new RedisTimelineStore({ client: redis, prefix, cap: config.timelineCap }),
    activity: new RedisActivityStore({ client: redis, prefix, buckets: 16 }),
  });
  const source = config.source;
  let truth: (namespace: Namespace) => Pick<FeedStores, "users" | "posts" | "graph" | "notifications">;
  let closeSource: () => Promise<void>;
  if (source.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: source.url, max: 4 });
    const { schema } = source;
    const stores = {
      users: new PostgresUserStore({ pool, schema }),
      posts: new PostgresPostStore({ pool, schema }),
      graph: new PostgresGraphStore({ pool, schema }),
      notifications: new PostgresNotificationStore({ pool, schema }),
    };
    truth = () => stores;
    closeSource = () => pool.end();
  } else {
    const client = new cassandra.Client({
      contactPoints: [source.contactPoint],
      localDataCenter: source.dataCenter,
      queryOptions: { consistency: cassandra.types.consistencies.localQuorum },
      socketOptions: { readTimeout: 60_000 },
    });
    await client.connect();
    truth = ({ keyspace = source.keyspace }) => ({
      users: new CassandraUserStore({ client, keyspace }),
      posts: new CassandraPostStore({ client, keyspace }),
      graph: new CassandraGraphStore({ client, keyspace }),
      notifications: new CassandraNotificationStore({ client, keyspace }),
    });
    closeSource = () => client.shutdown();
  }
  const storesIn = (namespace: Namespace): FeedStores => ({
    ...truth(namespace),
    ...redisStores(namespace.redisPrefix),
  });
  return {
    stores: storesIn({ redisPrefix: config.redis.prefix }),
    storesIn,
    deleteRedisKeys: async (prefix = config.redis.prefix) => {
      const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
      for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
    },
    close: async () => {
      redis.disconnect();
      await closeSource();
    },
  };
}
