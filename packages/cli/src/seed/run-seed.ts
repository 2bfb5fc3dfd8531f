import type { FeedEngine, ImportResult, PostRecord, UserId } from "@feed-engine/core";
import type { OpenedFeed } from "../backends/open-feed.js";
import { eachLimited } from "../concurrency/each-limited.js";
import { type EdgeGraph, followerCounts } from "../graph/edge-graph.js";
import type { ProgressSink } from "../output/progress.js";
import { rebuildUsers } from "../timelines/rebuild-timelines.js";
import { importFollows, importUsers, USER_CHUNK } from "./import-graph.js";
import { postHistory } from "./post-history.js";
import { loadSeedGraph, type SeedGraphOptions, type SeedGraphSource } from "./seed-graph.js";
import { type SeededPosts, seededTimelines } from "./seeded-timelines.js";

/** Options of {@link runSeed}. */
export interface SeedOptions extends SeedGraphOptions {
  /** Posts per user, spread over `historyDays`. Default 0. */
  postsPerUser?: number | undefined;
  /** Days of post history before now. Default 7. */
  historyDays?: number | undefined;
  /** Seed of the post order and texts. Default 42. */
  seed?: number | undefined;
  /** Drop the seeded users' timelines instead of building them (each is rebuilt on its first read). */
  lazyTimelines?: boolean | undefined;
  /** Writes in flight (posts, timeline builds). Default 8. */
  concurrency?: number | undefined;
  /** The time seeding happens at. Default now. */
  now?: number | undefined;
}

/** One phase of seeding and how fast it went. */
export interface SeedPhase {
  name: string;
  count: number;
  seconds: number;
  perSecond: number;
}

/** What `feed-engine seed` did. */
export interface SeedReport {
  backends: { source: string; timelines: string };
  graph: SeedGraphSource;
  users: ImportResult & { inGraph: number };
  follows: ImportResult & { inGraph: number };
  posts: { created: number; perUser: number; historyDays: number };
  /** Authors marked pulled, as fan-out would have marked them for posting at or above the policy's threshold. */
  pulledAuthors: number;
  /**
   * `built`: every seeded user's timeline was rebuilt from the source of truth (what fan-out would hold);
   * `dropped`: removed, so each is rebuilt on its first read; `none`: the timeline store materializes nothing.
   */
  timelines: {
    mode: "built" | "dropped" | "none";
    /**
     * How built timelines were made: `computed` from the graph and posts of this run when every user was new in it
     * (so the source of truth holds nothing else for them), else `rebuilt` by the engine from the source of truth.
     */
    method: "computed" | "rebuilt" | null;
    users: number;
  };
  phases: SeedPhase[];
  totalSeconds: number;
}

const DAY_MS = 86_400_000;

/**
 * Seeds the configured backends from a follow graph: users and follows through the bulk paths (COPY on PostgreSQL),
 * an optional post history, pulled marks for the authors the policy would pull, every user's last-seen time (now, so
 * fan-out pushes to them) and their materialized timelines rebuilt from the source of truth — or dropped, with
 * `lazyTimelines`, to be rebuilt on first read. Users and follows are idempotent (a re-run skips what exists); posts
 * are added on every run.
 */
export async function runSeed(feed: OpenedFeed, options: SeedOptions, progress: ProgressSink): Promise<SeedReport> {
  const started = performance.now();
  const phases: SeedPhase[] = [];
  const phase = async <T>(name: string, count: () => number, work: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    const result = await work();
    const seconds = (performance.now() - at) / 1000;
    const n = count();
    phases.push({ name, count: n, seconds, perSecond: seconds > 0 ? n / seconds : 0 });
    return result;
  };
  const { engine } = feed;
  const now = options.now ?? engine.clock.now();
  const historyDays = options.historyDays ?? 7;
  const perUser = options.postsPerUser ?? 0;
  const concurrency = options.concurrency ?? 8;

  let edges = 0;
  const { graph, source } = await phase(
    "read graph",
    () => edges,
    async () => {
      const loaded = await loadSeedGraph(options, progress);
      edges = loaded.graph.from.length;
      return loaded;
    },
  );
  const joined = now - (historyDays + 1) * DAY_MS;
  const users = await phase(
    "users",
    () => graph.ids.length,
    () => importUsers(engine, graph, joined, progress),
  );
  const follows = await phase(
    "follows",
    () => graph.from.length,
    () => importFollows(engine, graph, users, progress),
  );

  let created = 0;
  const seeded: SeededPosts = { ids: [], byAuthor: new Uint32Array(perUser * graph.ids.length), perUser };
  await phase(
    "posts",
    () => created,
    async () => {
      if (perUser === 0) return;
      progress.start("Writing posts", perUser * graph.ids.length, "posts");
      const history = recorded(
        postHistory({ userIds: graph.ids, perUser, historyDays, now, seed: options.seed ?? 42 }),
        graph,
        seeded,
      );
      const bulk = engine.stores.posts;
      if (bulk.insertMany) {
        await eachLimited(chunks(history, 5_000), 2, async (batch) => {
          await bulk.insertMany!(batch);
          created += batch.length;
          progress.update(created);
        });
      } else {
        await eachLimited(history, concurrency, async (post) => {
          await engine.stores.posts.insert(post);
          progress.update(++created);
        });
      }
      progress.end();
    },
  );

  const pulledAuthors = perUser === 0 ? 0 : await markPulled(engine, graph);
  await phase(
    "activity",
    () => graph.ids.length,
    () => touchAll(engine, graph.ids, now, concurrency),
  );

  const materializes = engine.stores.timelines.capabilities.materializes ?? true;
  const mode = !materializes ? "none" : options.lazyTimelines ? "dropped" : "built";
  // Every user new in this run: the source of truth holds exactly what this run wrote for them, so their timelines
  // can be computed here instead of read back user by user.
  const method = mode !== "built" ? null : users.imported === graph.ids.length ? "computed" : "rebuilt";
  await phase(
    `timelines ${method ?? mode}`,
    () => (mode === "none" ? 0 : graph.ids.length),
    async () => {
      if (mode === "none") return;
      let done = 0;
      const timelines = engine.stores.timelines;
      progress.start(mode === "built" ? "Building timelines" : "Dropping timelines", graph.ids.length, "users");
      if (method === "computed") {
        await eachLimited(seededTimelines(graph, seeded, timelines.cap), concurrency * 4, async (t) => {
          await timelines.fill(t.userId, t.ids, t.floor);
          progress.update(++done);
        });
      } else if (method === "rebuilt") {
        for (let at = 0; at < graph.ids.length; at += USER_CHUNK) {
          const ids = graph.ids.slice(at, at + USER_CHUNK);
          await rebuildUsers(engine, ids, { drop: false, concurrency, onDone: () => progress.update(++done) });
        }
      } else {
        await eachLimited(graph.ids, concurrency * 4, async (id) => {
          await timelines.drop(id);
          progress.update(++done);
        });
      }
      progress.end();
    },
  );

  return {
    backends: { source: feed.backends.source, timelines: feed.backends.timelines },
    graph: source,
    users: { inGraph: graph.ids.length, ...users },
    follows: { inGraph: graph.from.length, ...follows },
    posts: { created, perUser, historyDays },
    pulledAuthors,
    timelines: { mode, method, users: mode === "none" ? 0 : graph.ids.length },
    phases,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

/** Marks the authors the policy pulls (by their followers in the graph), as fan-out does when they post. */
async function markPulled(engine: FeedEngine, graph: EdgeGraph): Promise<number> {
  const counts = followerCounts(graph);
  let marked = 0;
  for (let i = 0; i < graph.ids.length; i++) {
    if (engine.policy.modeFor({ followers: counts[i]! }) === "pull") {
      await engine.stores.users.markPulled(graph.ids[i]!);
      marked++;
    }
  }
  return marked;
}

/** Every user seen `now`: active, so fan-out pushes to them. */
async function touchAll(engine: FeedEngine, ids: readonly UserId[], now: number, concurrency: number): Promise<void> {
  const activity = engine.stores.activity;
  if (activity.touchMany) {
    for (let at = 0; at < ids.length; at += USER_CHUNK) {
      await activity.touchMany(ids.slice(at, at + USER_CHUNK).map((id) => [id, now] as const));
    }
  } else {
    await eachLimited(ids, concurrency, (id) => activity.touch(id, now));
  }
}

function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Passes the history through, recording each post's position under its author in `seeded`. */
function* recorded(history: Iterable<PostRecord>, graph: EdgeGraph, seeded: SeededPosts): Generator<PostRecord> {
  const index = new Map(graph.ids.map((id, i) => [id, i]));
  const written = new Uint32Array(graph.ids.length);
  for (const post of history) {
    const author = index.get(post.authorId)!;
    seeded.byAuthor[author * seeded.perUser + written[author]!++] = seeded.ids.length;
    seeded.ids.push(post.id);
    yield post;
  }
}
