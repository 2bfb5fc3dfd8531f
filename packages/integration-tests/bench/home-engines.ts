/**
 * How the home-timeline benchmark builds what it measures, shared by the benchmark's own process (which loads the
 * data, materializes the timelines and checks the pages) and the child process that serves one row's reads: the same
 * stores, policy and bus for every engine mode, over a schema and a key prefix of the run.
 */
import { PostgresHomeContextStore, postgresStores } from "@feed-engine/adapter-postgres";
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import {
  createFeedEngine,
  type FeedEngine,
  hybrid,
  MemoryEventBus,
  PullOnlyTimelineStore,
  pullAll,
} from "@feed-engine/core";
import type { Redis } from "ioredis";
import type pg from "pg";

/** Authors with at least this many followers are pulled at read time instead of fanned out. */
export const CELEBRITY_THRESHOLD = 1_000;
/** Entries kept per Redis timeline. */
export const TIMELINE_CAP = 800;
/** Items per home page read. */
export const PAGE = 20;

/** The servers of a run and where in them its data lives. */
export interface Backends {
  pool: pg.Pool;
  schema: string;
  prefix: string;
  /** The Redis client, created on first call where a process may not need one. */
  redis: () => Redis;
}

/**
 * The engine modes measured: `hybrid` (PostgreSQL stores with `homeContext`, Redis timelines), `separate` (the same
 * without `homeContext`, so the reader's context takes four queries), `uncached` (hybrid with the context store's
 * caches of followee lists and post content off), `no-post-cache` (hybrid with the post content cache off)
 * and `pull` (pull-all on PostgreSQL alone).
 */
export type EngineMode = "hybrid" | "separate" | "uncached" | "no-post-cache" | "pull";

/** The Redis stores of the hybrid modes; one set may serve several engines over the same client. */
export interface RedisStores {
  timelines: RedisTimelineStore;
  activity: RedisActivityStore;
}

/** The Redis timelines (cap {@link TIMELINE_CAP}) and last-seen times under the run's prefix. */
export function redisStores(b: Backends): RedisStores {
  const client = b.redis();
  return {
    timelines: new RedisTimelineStore({ client, prefix: b.prefix, cap: TIMELINE_CAP }),
    activity: new RedisActivityStore({ client, prefix: b.prefix }),
  };
}

/** An engine and its own event bus; `close` closes both. */
export interface BenchEngine {
  engine: FeedEngine;
  close: () => Promise<void>;
}

/** Builds one engine mode; the hybrid modes use `redis` (or a set of their own). */
export function createEngine(mode: EngineMode, b: Backends, redis?: RedisStores): BenchEngine {
  const { pool, schema } = b;
  const sourceOfTruth = postgresStores({ pool, schema });
  const bus = new MemoryEventBus();
  const engine =
    mode === "pull"
      ? // PostgreSQL alone: nothing materialized, every read merges the followees' posts (last-seen times in memory).
        createFeedEngine({
          policy: pullAll(),
          stores: { ...sourceOfTruth, timelines: new PullOnlyTimelineStore() },
          bus,
        })
      : createFeedEngine({
          policy: hybrid({ celebrityThreshold: CELEBRITY_THRESHOLD, inactiveAfterDays: null }),
          stores: { ...hybridSourceOfTruth(mode, b, sourceOfTruth), ...(redis ?? redisStores(b)) },
          bus,
        });
  return {
    engine,
    close: async () => {
      await engine.close();
      await bus.close();
    },
  };
}

function hybridSourceOfTruth(mode: EngineMode, b: Backends, sourceOfTruth: ReturnType<typeof postgresStores>) {
  const { homeContext: _, ...oneByOne } = sourceOfTruth;
  if (mode === "separate") return oneByOne;
  if (mode === "uncached" || mode === "no-post-cache") {
    const { pool, schema } = b;
    const followeeCacheIds = mode === "uncached" ? 0 : undefined;
    const homeContext = new PostgresHomeContextStore({ pool, schema, followeeCacheIds, postCacheSize: 0 });
    return { ...sourceOfTruth, homeContext };
  }
  return sourceOfTruth;
}

/** Reads one page of {@link PAGE} from `engine` and returns how many items it held. */
export const readPage = (engine: FeedEngine) => async (readerId: string) =>
  (await engine.homeTimeline(readerId, { limit: PAGE })).items.length;

/** The naive home query: follows joined to posts, newest {@link PAGE}. */
export function naiveSql(schema: string): string {
  return `SELECT p.* FROM "${schema}".follows f JOIN "${schema}".posts p ON p.author_id = f.followee_id
    WHERE f.follower_id = $1 AND NOT p.deleted ORDER BY p.id DESC LIMIT ${PAGE}`;
}

/** The benchmark's own engines, over one set of Redis stores, for loading, materializing and checking pages. */
export interface Engines {
  hybrid: FeedEngine;
  /** The same hybrid engine's stores without `homeContext`: the reader's context in four queries, then hydration. */
  hybridSeparate: FeedEngine;
  /** The hybrid engine with its context store's caches off: every read ships the followee list and full post rows. */
  hybridUncached: FeedEngine;
  pullOnly: FeedEngine;
  timelines: RedisTimelineStore;
  close: () => Promise<void>;
}

/** Builds every engine mode over `b`. */
export function createEngines(b: Backends): Engines {
  const redis = redisStores(b);
  const built = [
    createEngine("hybrid", b, redis),
    createEngine("separate", b, redis),
    createEngine("uncached", b, redis),
    createEngine("pull", b),
  ] as const;
  return {
    hybrid: built[0].engine,
    hybridSeparate: built[1].engine,
    hybridUncached: built[2].engine,
    pullOnly: built[3].engine,
    timelines: redis.timelines,
    close: async () => {
      for (const { close } of built) await close();
    },
  };
}
