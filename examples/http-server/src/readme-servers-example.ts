import { migrate, postgresStores } from "@feed-engine/adapter-postgres";
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import { createFeedEngine, hybrid } from "@feed-engine/core";
import { Redis } from "ioredis";
import pg from "pg";

// PostgreSQL is the source of truth; Redis holds the materialized timelines (~9 bytes per entry).
// Connections stay open: each prepares the engine's statements once (docs/operations.md, "Node heap settings").
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, idleTimeoutMillis: 0 });
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const schema = "feed";
const prefix = process.env.FEED_REDIS_PREFIX ?? "feed:";
await migrate({ pool, schema }); // idempotent; `feed-engine migrate` does the same

const feed = createFeedEngine({
  policy: hybrid(),
  stores: {
    ...postgresStores({ pool, schema }), // users, posts, graph, notifications, one-query home-read context
    timelines: new RedisTimelineStore({ client: redis, prefix }),
    activity: new RedisActivityStore({ client: redis, prefix }),
  },
});

const carol = await feed.registerUser({ handle: "carol" });
const dave = await feed.registerUser({ handle: "dave" });
await feed.follow(dave.id, carol.id);
await feed.post(carol.id, { text: "stored in PostgreSQL, delivered through Redis" });
await feed.drain();
console.log((await feed.homeTimeline(dave.id)).items.map((item) => item.post.text));

await feed.close();
await pool.end();
redis.disconnect();
