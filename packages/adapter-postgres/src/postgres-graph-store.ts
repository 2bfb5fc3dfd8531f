import { compareIds, type FollowResult, type GraphStore, type UserId, type UserPageRange } from "@feed-engine/core";
import { copyLines } from "./copy.js";
import { guard } from "./errors.js";
import { inTransaction, type PgPool, type PgPoolClient, type PreparedStatement, preparedAll, run } from "./pool.js";
import { DEFAULT_SCHEMA, lockKey, quoteSchema } from "./schema.js";
import { pgId, pgIds, pgLimit, pgList, pgMillis } from "./values.js";

/** Options for {@link PostgresGraphStore}. */
export interface PostgresGraphStoreOptions {
  /** A `pg.Pool` (follow, block and followMany run transactions). The caller owns it and ends it. */
  pool: PgPool;
  /** Schema migrated with `migrate` (default `"feed_engine"`). */
  schema?: string;
}

/** The SQL of one store, built once from the quoted schema name (the only text that is not a `$n` parameter). */
function statements(schema: string) {
  const follows = `${schema}.follows`;
  const blocks = `${schema}.blocks`;
  const counts = `${schema}.follow_counts`;
  const blockedEither = (a: string, b: string) =>
    `EXISTS (SELECT 1 FROM ${blocks} WHERE blocker_id = ${a} AND blocked_id = ${b})
     OR EXISTS (SELECT 1 FROM ${blocks} WHERE blocker_id = ${b} AND blocked_id = ${a})`;
  // Moves both counters of every edge in `source` (a CTE with follower_id, followee_id) by one, in the same
  // statement as the edges, and gives every follower whose followee list changed a fresh `following_version` (the
  // proposed row's default, a new value of the sequence; migration 006 says why). Rows are upserted in ascending
  // user_id order, so two statements touching the same users always lock them in the same order and cannot deadlock.
  const countEdges = (source: string, sign: "+" | "-") =>
    `INSERT INTO ${counts} AS c (user_id, followers, following)
     SELECT user_id, sum(followers), sum(following) FROM (
       SELECT followee_id AS user_id, ${sign}1 AS followers, 0 AS following FROM ${source}
       UNION ALL
       SELECT follower_id, 0, ${sign}1 FROM ${source}
     ) delta GROUP BY user_id ORDER BY user_id
     ON CONFLICT (user_id) DO UPDATE
       SET followers = c.followers + excluded.followers, following = c.following + excluded.following,
         following_version = CASE WHEN excluded.following <> 0 THEN excluded.following_version
           ELSE c.following_version END`;
  return {
    // Shared: single follows and blocks run side by side; followMany takes the same key exclusively. The pair key
    // serializes a follow with a block of the same two users, so the block check below sees every committed block.
    lockPair:
      "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0)), pg_advisory_xact_lock(hashtextextended($2, 0))",
    lockAll: "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
    follow: `WITH blocked AS (
        SELECT ${blockedEither("$1::bigint", "$2::bigint")} AS yes
      ), inserted AS (
        INSERT INTO ${follows} (follower_id, followee_id, created_at)
        SELECT $1::bigint, $2::bigint, $3::bigint FROM blocked WHERE NOT yes
        ON CONFLICT DO NOTHING
        RETURNING follower_id, followee_id
      ), counted AS (${countEdges("inserted", "+")})
      SELECT (SELECT yes FROM blocked) AS blocked, (SELECT count(*)::int FROM inserted) AS created`,
    // Runs after the COPY into pg_temp.feed_engine_follow_import, under the exclusive lock.
    followMany: `WITH edges AS (
        SELECT DISTINCT follower_id, followee_id FROM pg_temp.feed_engine_follow_import e
        WHERE follower_id <> followee_id AND NOT (${blockedEither("e.follower_id", "e.followee_id")})
      ), inserted AS (
        INSERT INTO ${follows} (follower_id, followee_id, created_at)
        SELECT follower_id, followee_id, $1::bigint FROM edges ORDER BY follower_id, followee_id
        ON CONFLICT DO NOTHING
        RETURNING follower_id, followee_id
      ), counted AS (${countEdges("inserted", "+")})
      SELECT count(*)::int AS created FROM inserted`,
    unfollow: `WITH removed AS (
        DELETE FROM ${follows} WHERE follower_id = $1 AND followee_id = $2 RETURNING follower_id, followee_id
      ), counted AS (${countEdges("removed", "-")})
      SELECT count(*)::int AS removed FROM removed`,
    isFollowing: `SELECT followee_id::text AS id FROM ${follows} WHERE follower_id = $1 AND followee_id = ANY($2::bigint[])`,
    followedAt: `SELECT created_at::text AS at FROM ${follows} WHERE follower_id = $1 AND followee_id = $2`,
    followeeIds: `SELECT followee_id::text AS id FROM ${follows} WHERE follower_id = $1 ORDER BY followee_id`,
    // Keyset pages (never OFFSET): index-only scans of follows_followee_key and of the primary key.
    followers: `SELECT follower_id::text AS id FROM ${follows}
      WHERE followee_id = $1 AND ($2::bigint IS NULL OR follower_id > $2) ORDER BY follower_id LIMIT $3`,
    followees: `SELECT followee_id::text AS id FROM ${follows}
      WHERE follower_id = $1 AND ($2::bigint IS NULL OR followee_id > $2) ORDER BY followee_id LIMIT $3`,
    counts: `SELECT followers::text AS followers, following::text AS following FROM ${counts} WHERE user_id = $1`,
    block: `WITH added AS (
        INSERT INTO ${blocks} (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1
      ), removed AS (
        DELETE FROM ${follows}
        WHERE ((follower_id = $1 AND followee_id = $2) OR (follower_id = $2 AND followee_id = $1))
          AND EXISTS (SELECT 1 FROM added)
        RETURNING follower_id, followee_id
      ), counted AS (${countEdges("removed", "-")})
      SELECT count(*)::int AS added FROM added`,
    unblock: `DELETE FROM ${blocks} WHERE blocker_id = $1 AND blocked_id = $2`,
    blockedEither: `SELECT o.id::text AS id FROM unnest($2::bigint[]) AS o(id)
      WHERE ${blockedEither("$1::bigint", "o.id")}`,
    blockedIds: `SELECT id::text AS id FROM (
        SELECT blocked_id AS id FROM ${blocks} WHERE blocker_id = $1
        UNION SELECT blocker_id FROM ${blocks} WHERE blocked_id = $1
      ) either_way ORDER BY either_way.id`,
  };
}

/**
 * {@link GraphStore} on PostgreSQL. `follows` is indexed both ways (primary key follower -> followee, unique index
 * followee -> follower) so both directions page by keyset; `follow_counts` holds exact counters changed in the same
 * statement as the edges. A follow and a block of the same two users are serialized by a transaction-level advisory
 * lock on the pair, so a follow can never slip in across a block; a block removes the follows both ways in the same
 * statement. {@link followMany} loads edges with COPY.
 */
export class PostgresGraphStore implements GraphStore {
  readonly #pool: PgPool;
  readonly #schema: string;
  readonly #sql: Record<keyof ReturnType<typeof statements>, PreparedStatement>;

  constructor(options: PostgresGraphStoreOptions) {
    this.#schema = options.schema ?? DEFAULT_SCHEMA;
    this.#pool = options.pool;
    this.#sql = preparedAll(statements(quoteSchema(this.#schema, "PostgresGraphStore")));
  }

  /** Adds the follow unless it exists or a block stands between the two (checked under the pair's lock). */
  async follow(followerId: UserId, followeeId: UserId, at: number): Promise<FollowResult> {
    const where = "PostgresGraphStore.follow";
    const params = [
      pgId(followerId, where, "followerId"),
      pgId(followeeId, where, "followeeId"),
      pgMillis(at, where, "at"),
    ];
    return guard(where, () =>
      inTransaction(this.#pool, async (client) => {
        await this.#lockPair(client, followerId, followeeId);
        const { rows } = await run<{ blocked: boolean; created: number }>(client, this.#sql.follow, params);
        if (rows[0]?.blocked) return "blocked";
        return rows[0]?.created === 1 ? "created" : "exists";
      }),
    );
  }

  /**
   * Bulk load for seeding: one COPY into a temporary table, then one `INSERT ... SELECT DISTINCT ... ON CONFLICT DO
   * NOTHING` that skips self-follows, existing follows and blocked pairs and moves the counters, in one transaction
   * that holds the store's lock exclusively (single follows and blocks wait for it). Returns how many were new.
   */
  async followMany(edges: ReadonlyArray<readonly [UserId, UserId]>, at: number): Promise<number> {
    const where = "PostgresGraphStore.followMany";
    const time = pgMillis(at, where, "at");
    pgList(edges, where, "edges").forEach((edge, i) => {
      const [followerId, followeeId] = pgList(edge, where, `edges[${i}]`);
      pgId(followerId, where, `edges[${i}][0]`);
      pgId(followeeId, where, `edges[${i}][1]`);
    });
    if (edges.length === 0) return 0;
    return guard(where, () =>
      inTransaction(this.#pool, async (client) => {
        await run(client, this.#sql.lockAll, [lockKey(this.#schema, "graph")]);
        await client.query(
          `CREATE TEMPORARY TABLE feed_engine_follow_import (follower_id bigint NOT NULL, followee_id bigint NOT NULL)
           ON COMMIT DROP`,
        );
        await copyLines(client, "COPY pg_temp.feed_engine_follow_import FROM STDIN", edgeLines(edges));
        await client.query("ANALYZE pg_temp.feed_engine_follow_import");
        const { rows } = await run<{ created: number }>(client, this.#sql.followMany, [time]);
        return rows[0]?.created ?? 0;
      }),
    );
  }

  /** Removes a follow and moves both counters in one statement; false when there was none. */
  async unfollow(followerId: UserId, followeeId: UserId): Promise<boolean> {
    const where = "PostgresGraphStore.unfollow";
    const params = [pgId(followerId, where, "followerId"), pgId(followeeId, where, "followeeId")];
    const { rows } = await guard(where, () => run<{ removed: number }>(this.#pool, this.#sql.unfollow, params));
    return rows[0]?.removed === 1;
  }

  /** For each of `followeeIds`, whether `followerId` follows it. */
  async isFollowing(followerId: UserId, followeeIds: readonly UserId[]): Promise<boolean[]> {
    const where = "PostgresGraphStore.isFollowing";
    const follower = pgId(followerId, where, "followerId");
    const ids = pgIds(followeeIds, where, "followeeIds");
    if (ids.length === 0) return [];
    const { rows } = await guard(where, () =>
      run<{ id: string }>(this.#pool, this.#sql.isFollowing, [follower, [...new Set(ids)]]),
    );
    const followed = new Set(rows.map((row) => row.id));
    return ids.map((id) => followed.has(id));
  }

  /** When the follow was made, or undefined when there is none. */
  async followedAt(followerId: UserId, followeeId: UserId): Promise<number | undefined> {
    const where = "PostgresGraphStore.followedAt";
    const params = [pgId(followerId, where, "followerId"), pgId(followeeId, where, "followeeId")];
    const { rows } = await guard(where, () => run<{ at: string }>(this.#pool, this.#sql.followedAt, params));
    return rows[0] === undefined ? undefined : Number(rows[0].at);
  }

  /** Every account `followerId` follows, ascending by id. */
  async followeeIds(followerId: UserId): Promise<UserId[]> {
    const where = "PostgresGraphStore.followeeIds";
    const follower = pgId(followerId, where, "followerId");
    const { rows } = await guard(where, () => run<{ id: string }>(this.#pool, this.#sql.followeeIds, [follower]));
    return rows.map((row) => row.id);
  }

  /** A keyset page of `followeeId`'s followers, ascending by id. */
  async followers(followeeId: UserId, range: UserPageRange): Promise<UserId[]> {
    return this.#page("PostgresGraphStore.followers", this.#sql.followers, followeeId, range);
  }

  /** A keyset page of the accounts `followerId` follows, ascending by id. */
  async followees(followerId: UserId, range: UserPageRange): Promise<UserId[]> {
    return this.#page("PostgresGraphStore.followees", this.#sql.followees, followerId, range);
  }

  /** Follower and following counts, from the counter row. */
  async counts(userId: UserId): Promise<{ followers: number; following: number }> {
    const where = "PostgresGraphStore.counts";
    const user = pgId(userId, where, "userId");
    const { rows } = await guard(where, () =>
      run<{ followers: string; following: string }>(this.#pool, this.#sql.counts, [user]),
    );
    return { followers: Number(rows[0]?.followers ?? 0), following: Number(rows[0]?.following ?? 0) };
  }

  /** Records the block and removes follows both ways in the same statement; false when it already stood. */
  async block(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    const where = "PostgresGraphStore.block";
    const params = [pgId(blockerId, where, "blockerId"), pgId(blockedId, where, "blockedId")];
    return guard(where, () =>
      inTransaction(this.#pool, async (client) => {
        await this.#lockPair(client, blockerId, blockedId);
        const { rows } = await run<{ added: number }>(client, this.#sql.block, params);
        return rows[0]?.added === 1;
      }),
    );
  }

  /** Removes a block; false when there was none. Follows the block removed stay removed. */
  async unblock(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    const where = "PostgresGraphStore.unblock";
    const params = [pgId(blockerId, where, "blockerId"), pgId(blockedId, where, "blockedId")];
    const { rowCount } = await guard(where, () => run(this.#pool, this.#sql.unblock, params));
    return rowCount === 1;
  }

  /** For each of `otherIds`, whether either of it and `userId` blocks the other (two primary-key probes each). */
  async blockedEither(userId: UserId, otherIds: readonly UserId[]): Promise<boolean[]> {
    const where = "PostgresGraphStore.blockedEither";
    const user = pgId(userId, where, "userId");
    const others = pgIds(otherIds, where, "otherIds");
    if (others.length === 0) return [];
    const { rows } = await guard(where, () =>
      run<{ id: string }>(this.#pool, this.#sql.blockedEither, [user, [...new Set(others)]]),
    );
    const blocked = new Set(rows.map((row) => row.id));
    return others.map((id) => blocked.has(id));
  }

  /** Everyone `userId` blocks or is blocked by, ascending by id (one index scan each way). */
  async blockedIds(userId: UserId): Promise<UserId[]> {
    const where = "PostgresGraphStore.blockedIds";
    const user = pgId(userId, where, "userId");
    const { rows } = await guard(where, () => run<{ id: string }>(this.#pool, this.#sql.blockedIds, [user]));
    return rows.map((row) => row.id);
  }

  /** Takes the store's lock shared and the unordered pair's lock exclusively, until the transaction ends. */
  async #lockPair(client: PgPoolClient, a: UserId, b: UserId): Promise<void> {
    const [low, high] = compareIds(a, b) <= 0 ? [a, b] : [b, a];
    await run(client, this.#sql.lockPair, [lockKey(this.#schema, "graph"), lockKey(this.#schema, "pair", low, high)]);
  }

  async #page(where: string, sql: PreparedStatement, owner: UserId, range: UserPageRange): Promise<UserId[]> {
    const id = pgId(owner, where, "id");
    const after = range.after === undefined ? null : pgId(range.after, where, "range.after");
    const limit = pgLimit(range.limit);
    if (limit === 0) return [];
    const { rows } = await guard(where, () => run<{ id: string }>(this.#pool, sql, [id, after, limit]));
    return rows.map((row) => row.id);
  }
}

/** COPY text lines for checked edges (ids are digits only, so nothing needs escaping). */
function* edgeLines(edges: ReadonlyArray<readonly [UserId, UserId]>): Generator<string> {
  for (const [followerId, followeeId] of edges) yield `${followerId}\t${followeeId}\n`;
}
