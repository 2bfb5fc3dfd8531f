import {
  FeedError,
  type HydratedPost,
  type IdRange,
  type LikeRecord,
  type PostId,
  type PostRecord,
  type PostStore,
  type UserId,
} from "@feed-engine/core";
import { copyLines } from "./copy.js";
import { guard } from "./errors.js";
import { inTransaction, type PgPool, type PgQueryable, type PreparedStatement, preparedAll, run } from "./pool.js";
import { postCopyLine } from "./post-copy-line.js";
import { hydrationSelect, INSERT_COLUMNS, postColumns, postParams, toHydrated, toRecord } from "./post-rows.js";
import { DEFAULT_SCHEMA, quoteSchema } from "./schema.js";
import { pgId, pgIds, pgLimit, pgList, pgMillis } from "./values.js";

/** Options for {@link PostgresPostStore}. */
export interface PostgresPostStoreOptions {
  /**
   * A `pg.Pool` (or a `pg.Client`: every method but `insertMany` is one statement). The caller owns it and ends it.
   */
  pool: PgQueryable;
  /** Schema migrated with `migrate` (default `"feed_engine"`). */
  schema?: string;
}

/** An insert that lost to a live repost deleted before it could be read back is retried this many times. */
const INSERT_ATTEMPTS = 3;

/** The SQL of one store, built once from the quoted schema name (the only text that is not a `$n` parameter). */
function statements(schema: string) {
  const posts = `${schema}.posts`;
  const postCounts = `${schema}.post_counts`;
  const likes = `${schema}.likes`;
  const likeCounts = `${schema}.like_counts`;
  const range = "($2::bigint IS NULL OR id < $2) AND ($3::bigint IS NULL OR id > $3)";
  return {
    // One statement: the row and its author's counter change together, or neither does.
    insert: `WITH inserted AS (
        INSERT INTO ${posts} (${INSERT_COLUMNS})
        VALUES ($1::bigint, $2::bigint, $3::text, $4::bigint, $5::bigint, $6::bigint, $7::bigint, $8::bigint,
                $9::bigint[], $10::text[], $11::boolean, $12::boolean)
        ON CONFLICT DO NOTHING
        RETURNING author_id, deleted
      ), counted AS (
        INSERT INTO ${postCounts} AS c (author_id, posts)
        SELECT author_id, 1 FROM inserted WHERE NOT deleted
        ON CONFLICT (author_id) DO UPDATE SET posts = c.posts + 1
      )
      SELECT count(*)::int AS created FROM inserted`,
    // Why an insert wrote nothing: the id is taken (rank 0), or the author's live repost of the original is there.
    existing: `SELECT id::text AS id FROM (
        SELECT 0 AS rank, id FROM ${posts} WHERE id = $1
        UNION ALL
        SELECT 1, id FROM ${posts} WHERE repost_of_post_id = $2 AND author_id = $3 AND NOT deleted
      ) found ORDER BY rank LIMIT 1`,
    get: `SELECT ${postColumns("p")} FROM ${posts} p WHERE p.id = $1`,
    // The page's posts and their live originals in one round trip, with like counts from the counter table.
    hydrate: hydrationSelect(schema, "= ANY($1::bigint[])"),
    delete: `WITH gone AS (
        UPDATE ${posts} SET deleted = true WHERE id = $1 AND NOT deleted RETURNING author_id
      ), counted AS (
        UPDATE ${postCounts} c SET posts = c.posts - 1 FROM gone WHERE c.author_id = gone.author_id
      )
      SELECT count(*)::int AS deleted FROM gone`,
    // Sorting must name the bigint column (p.id): a bare "id" would be the text output column, in string order.
    byAuthor: `SELECT p.id::text AS id FROM ${posts} p
      WHERE author_id = $1 AND NOT deleted AND ${range}
      ORDER BY p.id DESC LIMIT $4`,
    // A k-way merge done by the index: at most `limit` newest ids per author (one backward range scan each of
    // posts_author_live), then the newest `limit` of those. Cost is bounded by authors x limit, never by history.
    byAuthors: `SELECT p.id::text AS id
      FROM (SELECT DISTINCT unnest($1::bigint[]) AS author_id) a
      CROSS JOIN LATERAL (
        SELECT id FROM ${posts}
        WHERE author_id = a.author_id AND NOT deleted AND ${range}
        ORDER BY id DESC LIMIT $4
      ) p
      ORDER BY p.id DESC LIMIT $4`,
    findReposts: `SELECT p.id::text AS id FROM ${posts} p
      WHERE repost_of_post_id = $1 AND author_id = ANY($2::bigint[]) AND NOT deleted
      ORDER BY p.id`,
    countByAuthor: `SELECT posts::text AS posts FROM ${postCounts} WHERE author_id = $1`,
    // insertMany, after the COPY into pg_temp.feed_engine_post_import: rows in id order (equal ids in the order given)
    // so the first of two posts with one id, and the lowest id of two live reposts of one original by one author, win
    // as one-by-one inserts in id order would; counters move per author in ascending author_id order, the lock order
    // every counter write uses, so concurrent loads cannot deadlock on them.
    insertMany: `WITH inserted AS (
        INSERT INTO ${posts} (${INSERT_COLUMNS})
        SELECT ${INSERT_COLUMNS} FROM pg_temp.feed_engine_post_import ORDER BY id, ord
        ON CONFLICT DO NOTHING
        RETURNING author_id, deleted
      ), counted AS (
        INSERT INTO ${postCounts} AS c (author_id, posts)
        SELECT author_id, count(*) FROM inserted WHERE NOT deleted GROUP BY author_id ORDER BY author_id
        ON CONFLICT (author_id) DO UPDATE SET posts = c.posts + excluded.posts
      )
      SELECT count(*)::int AS created FROM inserted`,
    like: `WITH added AS (
        INSERT INTO ${likes} (post_id, user_id, id, at) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING
        RETURNING post_id
      ), counted AS (
        INSERT INTO ${likeCounts} AS c (post_id, likes) SELECT post_id, 1 FROM added
        ON CONFLICT (post_id) DO UPDATE SET likes = c.likes + 1
      )
      SELECT count(*)::int AS added FROM added`,
    unlike: `WITH removed AS (
        DELETE FROM ${likes} WHERE post_id = $1 AND user_id = $2 RETURNING post_id
      ), counted AS (
        UPDATE ${likeCounts} c SET likes = c.likes - 1 FROM removed WHERE c.post_id = removed.post_id
      )
      SELECT count(*)::int AS removed FROM removed`,
    getLike: `SELECT user_id::text AS user_id, post_id::text AS post_id, id::text AS id, at::text AS at
      FROM ${likes} WHERE post_id = $1 AND user_id = $2`,
  };
}

type Row = Record<string, unknown>;

/**
 * {@link PostStore} on PostgreSQL. Posts live in `posts` (deleted ones flagged); `posts_author_live (author_id, id
 * DESC) WHERE NOT deleted` serves author timelines and the pull path; a partial unique index keeps one live repost per
 * (author, original) so a concurrent second repost returns the first; post and like counters are updated in the same
 * statement as the rows they count. Every method but `insertMany` is one statement (`insert` reads back what blocked
 * it), so the store takes any queryable: a pool or a client; `insertMany` (COPY, for seeding) needs a pool.
 */
export class PostgresPostStore implements PostStore {
  readonly #pool: PgQueryable;
  readonly #sql: Record<keyof ReturnType<typeof statements>, PreparedStatement>;

  constructor(options: PostgresPostStoreOptions) {
    this.#pool = options.pool;
    this.#sql = preparedAll(statements(quoteSchema(options.schema ?? DEFAULT_SCHEMA, "PostgresPostStore")));
  }

  /**
   * Stores a post. When the id is stored already, or the author already has a live repost of the same original,
   * nothing is written and the stored id is returned with `created: false`.
   */
  async insert(post: PostRecord): Promise<{ created: boolean; id: PostId }> {
    const where = "PostgresPostStore.insert";
    const params = postParams(post, where);
    const [id, authorId, , , , , originalId] = params as [string, string, ...unknown[]];
    return guard(where, async () => {
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const { rows } = await run<{ created: number }>(this.#pool, this.#sql.insert, params);
        if (rows[0]?.created === 1) return { created: true, id };
        const found = await run<{ id: string }>(this.#pool, this.#sql.existing, [id, originalId, authorId]);
        const existing = found.rows[0]?.id;
        if (existing !== undefined) return { created: false, id: existing };
        // The live repost that refused this insert was deleted before it could be read: insert again.
      }
      throw new FeedError("UNAVAILABLE", `${where}: the author's repost kept changing concurrently; retry the call`);
    });
  }

  /**
   * Stores many posts for seeding: one COPY into a temporary table and one `INSERT ... SELECT ... ON CONFLICT DO
   * NOTHING` that also moves the authors' counters, in one transaction. Skips what {@link insert} would refuse (an id
   * stored already or earlier in the call; a second live repost of one original by one author), taking the posts in
   * id order. Every record is checked first, as `insert` checks it, so a bad one writes nothing (`VALIDATION`). Needs
   * a `pg.Pool` (COPY and the transaction run on one pooled connection). Returns how many posts were stored.
   */
  async insertMany(posts: readonly PostRecord[]): Promise<number> {
    const where = "PostgresPostStore.insertMany";
    const lines = pgList(posts, where, "posts").map((post, i) =>
      postCopyLine(i, postParams(post as PostRecord, `${where} (posts[${i}])`)),
    );
    if (lines.length === 0) return 0;
    const pool = this.#pool as Partial<PgPool>;
    if (typeof pool.connect !== "function") {
      const message = `${where}: needs a pg.Pool (COPY runs on a pooled connection); the pool given has no connect()`;
      throw new FeedError("VALIDATION", message, { field: "pool" });
    }
    return guard(where, () =>
      inTransaction(pool as PgPool, async (client) => {
        await client.query(
          `CREATE TEMPORARY TABLE feed_engine_post_import (
             ord integer NOT NULL, id bigint NOT NULL, author_id bigint NOT NULL, text text NOT NULL,
             created_at bigint NOT NULL, reply_to_post_id bigint, reply_to_author_id bigint, repost_of_post_id bigint,
             repost_of_author_id bigint, mentions bigint[] NOT NULL, media text[] NOT NULL, deleted boolean NOT NULL,
             nul_escaped boolean NOT NULL
           ) ON COMMIT DROP`,
        );
        await copyLines(client, "COPY pg_temp.feed_engine_post_import FROM STDIN", lines);
        // Unnamed: a plan cached on the connection would outlive the temporary table it reads.
        const { rows } = await client.query<{ created: number }>(this.#sql.insertMany.text);
        return rows[0]?.created ?? 0;
      }),
    );
  }

  /** One post as stored, deleted or not. */
  async get(id: PostId): Promise<PostRecord | undefined> {
    const where = "PostgresPostStore.get";
    const postId = pgId(id, where, "id");
    const { rows } = await guard(where, () => run<Row>(this.#pool, this.#sql.get, [postId]));
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** The live posts among `ids` with their live originals and like counts, in one query. */
  async hydrate(ids: readonly PostId[]): Promise<Map<PostId, HydratedPost>> {
    const where = "PostgresPostStore.hydrate";
    const wanted = [...new Set(pgIds(ids, where, "ids"))];
    if (wanted.length === 0) return new Map();
    const { rows } = await guard(where, () => run<Row>(this.#pool, this.#sql.hydrate, [wanted]));
    return toHydrated(rows);
  }

  /** Marks a post deleted; false when it was deleted already or never stored. */
  async delete(id: PostId): Promise<boolean> {
    const where = "PostgresPostStore.delete";
    const postId = pgId(id, where, "id");
    const { rows } = await guard(where, () => run<{ deleted: number }>(this.#pool, this.#sql.delete, [postId]));
    return rows[0]?.deleted === 1;
  }

  /** Ids of an author's live posts, newest first, within `range`. */
  async byAuthor(authorId: UserId, range: IdRange): Promise<PostId[]> {
    const where = "PostgresPostStore.byAuthor";
    const author = pgId(authorId, where, "authorId");
    return this.#page(where, this.#sql.byAuthor, author, range);
  }

  /** Ids of the live posts of any of `authorIds`, newest first, within `range`, in one query. */
  async byAuthors(authorIds: readonly UserId[], range: IdRange): Promise<PostId[]> {
    const where = "PostgresPostStore.byAuthors";
    const authors = [...new Set(pgIds(authorIds, where, "authorIds"))];
    if (authors.length === 0) return [];
    return this.#page(where, this.#sql.byAuthors, authors, range);
  }

  /** Ids of the live reposts of `originalId` by any of `reposterIds`, ascending. */
  async findReposts(originalId: PostId, reposterIds: readonly UserId[]): Promise<PostId[]> {
    const where = "PostgresPostStore.findReposts";
    const original = pgId(originalId, where, "originalId");
    const reposters = [...new Set(pgIds(reposterIds, where, "reposterIds"))];
    if (reposters.length === 0) return [];
    const { rows } = await guard(where, () =>
      run<{ id: string }>(this.#pool, this.#sql.findReposts, [original, reposters]),
    );
    return rows.map((row) => row.id);
  }

  /** Number of live posts, replies and reposts by an author (a counter row, not a count). */
  async countByAuthor(authorId: UserId): Promise<number> {
    const where = "PostgresPostStore.countByAuthor";
    const author = pgId(authorId, where, "authorId");
    const { rows } = await guard(where, () => run<{ posts: string }>(this.#pool, this.#sql.countByAuthor, [author]));
    return Number(rows[0]?.posts ?? 0);
  }

  /** Adds a like unless this user already likes the post; the post's like count moves in the same statement. */
  async like(like: LikeRecord): Promise<boolean> {
    const where = "PostgresPostStore.like";
    const params = [
      pgId(like.postId, where, "like.postId"),
      pgId(like.userId, where, "like.userId"),
      pgId(like.id, where, "like.id"),
      pgMillis(like.at, where, "like.at"),
    ];
    const { rows } = await guard(where, () => run<{ added: number }>(this.#pool, this.#sql.like, params));
    return rows[0]?.added === 1;
  }

  /** Removes a like; false when there was none. */
  async unlike(userId: UserId, postId: PostId): Promise<boolean> {
    const where = "PostgresPostStore.unlike";
    const params = [pgId(postId, where, "postId"), pgId(userId, where, "userId")];
    const { rows } = await guard(where, () => run<{ removed: number }>(this.#pool, this.#sql.unlike, params));
    return rows[0]?.removed === 1;
  }

  /** The like of `postId` by `userId`, if there is one. */
  async getLike(userId: UserId, postId: PostId): Promise<LikeRecord | undefined> {
    const where = "PostgresPostStore.getLike";
    const params = [pgId(postId, where, "postId"), pgId(userId, where, "userId")];
    const { rows } = await guard(where, () =>
      run<{ user_id: string; post_id: string; id: string; at: string }>(this.#pool, this.#sql.getLike, params),
    );
    const row = rows[0];
    return row === undefined ? undefined : { userId: row.user_id, postId: row.post_id, id: row.id, at: Number(row.at) };
  }

  /** Runs a newest-first page query: `$1` the author(s), `$2`/`$3` the exclusive bounds, `$4` the limit. */
  async #page(where: string, sql: PreparedStatement, authors: string | string[], range: IdRange): Promise<PostId[]> {
    const before = range.before === undefined ? null : pgId(range.before, where, "range.before");
    const after = range.after === undefined ? null : pgId(range.after, where, "range.after");
    const limit = pgLimit(range.limit);
    if (limit === 0) return [];
    const { rows } = await guard(where, () => run<{ id: string }>(this.#pool, sql, [authors, before, after, limit]));
    return rows.map((row) => row.id);
  }
}
