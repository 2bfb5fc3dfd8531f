/**
 * The engine's model-based property suite (core's oracle of docs/definitions.md) on real servers: Cassandra holds
 * users, posts, likes, the graph and notifications; Redis holds timelines and last-seen times.
 * Runs per policy and property: FEED_PROPERTY_RUNS_SERVERS (default 100).
 *
 * The suite replays fixed-clock scenarios, so every run makes the same ids and needs empty tables: runs take turns
 * on a few keyspaces, and a keyspace is truncated in the background while the next run uses another one.
 */
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import { enginePropertySuite } from "@feed-engine/core/testing";
import { Redis } from "ioredis";
import { afterAll, inject } from "vitest";
import {
  CassandraGraphStore,
  CassandraNotificationStore,
  CassandraPostStore,
  CassandraUserStore,
  migrate,
} from "../src/index.js";
import { testClient } from "./test-keyspace.js";

const TABLES = [
  "posts",
  "posts_by_author",
  "author_buckets",
  "post_counts",
  "reposts",
  "likes",
  "like_counts",
  "notifications",
  "notification_keys",
  "notification_read_marks",
  "users",
  "user_handles",
  "pulled_authors",
  "followees",
  "followers",
  "follow_counts",
  "blocks",
  "blocked_by",
];
const SLOTS = 3;

const client = testClient();
const redis = new Redis(inject("redisUrl"));
const keyspaces = Array.from({ length: SLOTS }, (_, i) => `fe_${inject("runId")}_prop${i}`.slice(0, 48));
/** Per slot, the truncation still running from the slot's last run. */
const cleaning: Array<Promise<void>> = [];
let setUp: Promise<void> | undefined;
let run = 0;
/** Milliseconds runs spent waiting for their keyspace's truncation, and truncations took in the background. */
let waited = 0;
let truncating = 0;
const started = Date.now();

afterAll(async () => {
  try {
    await Promise.allSettled(cleaning);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Cassandra + Redis property suite: ${run} runs in ${seconds} s; truncations took ${truncating} ms in the ` +
        `background, runs waited ${waited} ms for them`,
    );
    for (const keyspace of keyspaces) {
      await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 120_000 });
    }
  } finally {
    await client.shutdown();
    redis.disconnect();
  }
});

async function truncate(keyspace: string): Promise<void> {
  await Promise.all(
    TABLES.map((table) => client.execute(`TRUNCATE "${keyspace}".${table}`, [], { readTimeout: 120_000 })),
  );
}

async function deleteKeys(prefix: string): Promise<void> {
  const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
}

enginePropertySuite("Cassandra + Redis", {
  numRuns: Number(process.env.FEED_PROPERTY_RUNS_SERVERS ?? 100),
  stores: async ({ timelineCap }) => {
    setUp ??= client.connect().then(async () => {
      for (const keyspace of keyspaces) await migrate({ client, keyspace });
    });
    await setUp;
    const slot = run % SLOTS;
    const keyspace = keyspaces[slot]!;
    const waitStarted = Date.now();
    await cleaning[slot];
    waited += Date.now() - waitStarted;
    const prefix = `${inject("redisPrefix")}cprop:${run++}:`;
    return {
      stores: {
        users: new CassandraUserStore({ client, keyspace }),
        posts: new CassandraPostStore({ client, keyspace }),
        graph: new CassandraGraphStore({ client, keyspace }),
        notifications: new CassandraNotificationStore({ client, keyspace }),
        timelines: new RedisTimelineStore({ client: redis, prefix, cap: timelineCap }),
        activity: new RedisActivityStore({ client: redis, prefix, buckets: 16 }),
      },
      close: async () => {
        const truncateStarted = Date.now();
        cleaning[slot] = Promise.all([truncate(keyspace), deleteKeys(prefix)]).then(() => {
          truncating += Date.now() - truncateStarted;
        });
      },
    };
  },
});
