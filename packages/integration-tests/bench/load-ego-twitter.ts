/**
 * Loads the ego-Twitter graph into a fresh, migrated PostgreSQL schema and gives every user a post history.
 *
 * Users and follows go through the adapter's bulk paths (`createMany`, `followMany`: COPY). Posts are written straight
 * into the adapter's tables with multi-row INSERTs (`unnest` of arrays, 10,000 rows a statement) rather than through
 * the engine, which would also fan each one out: `postsPerUser` rounds in which every user, in a shuffled order, posts
 * once. Ids are Snowflake ids made in increasing time order, spread evenly over the `historyDays` before `now`; the
 * `post_counts` counters are filled to match. The authors with at least `celebrityThreshold` followers are marked
 * pulled, as fan-out would have done when they posted.
 */
import { migrate, type PgPool, PostgresGraphStore, PostgresUserStore } from "@feed-engine/adapter-postgres";
import { ManualClock, Snowflake } from "@feed-engine/core";
import { readEgoTwitter } from "./ego-twitter.js";

export interface LoadOptions {
  pool: PgPool;
  schema: string;
  dataset: string;
  postsPerUser: number;
  historyDays: number;
  celebrityThreshold: number;
  now: number;
  log: (line: string) => void;
}

export interface LoadReport {
  users: number;
  edgesInFile: number;
  follows: number;
  selfLoops: number;
  posts: number;
  pulledAuthors: number;
  /** Seconds per step, in order. */
  seconds: Array<[step: string, seconds: number]>;
}

const DAY_MS = 86_400_000;
const POST_BATCH = 10_000;
const WORDS = (
  "the a timeline home feed post reply engine graph follow read write cache redis postgres latency fan out " +
  "today this that what why how benchmark hello world news sport music coffee morning night weekend"
).split(" ");

export async function loadEgoTwitter(o: LoadOptions): Promise<LoadReport> {
  const seconds: LoadReport["seconds"] = [];
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    o.log(`load: ${name}...`);
    const started = performance.now();
    const result = await work();
    seconds.push([name, (performance.now() - started) / 1000]);
    return result;
  };

  const graph = await step("read the edge list (gunzip + parse)", () => readEgoTwitter(o.dataset));
  await step("migrate a fresh schema", () => migrate({ pool: o.pool, schema: o.schema }));
  const userStore = new PostgresUserStore({ pool: o.pool, schema: o.schema });
  const graphStore = new PostgresGraphStore({ pool: o.pool, schema: o.schema });
  const joined = o.now - (o.historyDays + 1) * DAY_MS;
  const users = await step("users: createMany (COPY)", () =>
    userStore.createMany(
      graph.users.map((id) => ({ id, handle: `u${id}`, displayName: `user ${id}`, createdAt: joined })),
    ),
  );
  const follows = await step("follows: followMany (COPY)", () => graphStore.followMany(graph.edges, joined));
  const posts = await step("posts: multi-row INSERTs", () => insertPosts(o, graph.users));
  await step("post_counts, VACUUM ANALYZE", () => finishTables(o.pool, o.schema));
  const pulledAuthors = await step("mark pulled authors", () =>
    markCelebrities(o.pool, o.schema, userStore, o.celebrityThreshold),
  );
  return {
    users,
    edgesInFile: graph.edges.length + graph.selfLoops,
    follows,
    selfLoops: graph.selfLoops,
    posts,
    pulledAuthors,
    seconds,
  };
}

/** A small seeded PRNG (mulberry32), so every run writes the same posts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** 4-20 words: 20-130 characters, about what a tweet holds. */
function postText(next: () => number): string {
  const words: string[] = [];
  const count = 4 + Math.floor(next() * 17);
  for (let i = 0; i < count; i++) words.push(WORDS[Math.floor(next() * WORDS.length)]!);
  return words.join(" ");
}

interface PostBatch {
  ids: string[];
  authors: string[];
  texts: string[];
  times: number[];
}

/** The posts in id order, a batch at a time. */
function* postBatches(o: LoadOptions, userIds: readonly string[]): Generator<PostBatch> {
  const next = random(20261121);
  const clock = new ManualClock();
  const ids = new Snowflake({ workerId: 1, clock });
  const total = o.postsPerUser * userIds.length;
  const first = o.now - o.historyDays * DAY_MS;
  const step = (o.historyDays * DAY_MS) / total;
  let batch: PostBatch = { ids: [], authors: [], texts: [], times: [] };
  let n = 0;
  for (let round = 0; round < o.postsPerUser; round++) {
    for (const author of shuffled(userIds, next)) {
      const at = Math.floor(first + n++ * step);
      clock.set(at);
      batch.ids.push(ids.next());
      batch.authors.push(author);
      batch.texts.push(postText(next));
      batch.times.push(at);
      if (batch.ids.length === POST_BATCH) {
        yield batch;
        batch = { ids: [], authors: [], texts: [], times: [] };
      }
    }
  }
  if (batch.ids.length > 0) yield batch;
}

async function insertPosts(o: LoadOptions, userIds: readonly string[]): Promise<number> {
  const sql = `INSERT INTO "${o.schema}".posts (id, author_id, text, created_at, mentions, media)
    SELECT id, author_id, text, created_at, '{}', '{}'
    FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) AS t(id, author_id, text, created_at)`;
  const batches = postBatches(o, userIds);
  let inserted = 0;
  // Two statements in flight: one being built here while PostgreSQL writes the other.
  const worker = async () => {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      const { ids, authors, texts, times } = next.value;
      const { rowCount } = await o.pool.query(sql, [ids, authors, texts, times]);
      inserted += rowCount ?? 0;
    }
  };
  await Promise.all([worker(), worker()]);
  return inserted;
}

/** Fills the post counters the adapter keeps per author, and leaves the tables vacuumed and analyzed. */
async function finishTables(pool: PgPool, schema: string): Promise<void> {
  await pool.query(
    `INSERT INTO "${schema}".post_counts (author_id, posts)
     SELECT author_id, count(*) FROM "${schema}".posts WHERE NOT deleted GROUP BY author_id`,
  );
  for (const table of ["users", "follows", "follow_counts", "posts", "post_counts", "pulled_authors"]) {
    await pool.query(`VACUUM ANALYZE "${schema}".${table}`);
  }
}

async function markCelebrities(
  pool: PgPool,
  schema: string,
  users: PostgresUserStore,
  threshold: number,
): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT user_id::text AS id FROM "${schema}".follow_counts WHERE followers >= $1 ORDER BY user_id`,
    [threshold],
  );
  for (const { id } of rows) await users.markPulled(id);
  return rows.length;
}
