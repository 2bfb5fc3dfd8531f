import {
  FeedError,
  type HomeContext,
  type HomeContextPage,
  type HomeContextStore,
  type UserId,
} from "@feed-engine/core";
import { guard } from "./errors.js";
import { FolloweeCache } from "./followee-cache.js";
import { type PgQueryable, type PreparedStatement, prepared, run } from "./pool.js";
import { hydrationSelect, toHydrated } from "./post-rows.js";
import { DEFAULT_SCHEMA, quoteSchema } from "./schema.js";
import { pgId, pgIdArrayLiteral, pgIds, pgLimit } from "./values.js";

/** Options for {@link PostgresHomeContextStore}. */
export interface PostgresHomeContextStoreOptions {
  /** A `pg.Pool` (or a `pg.Client`: every read is one statement). The caller owns it and ends it. */
  pool: PgQueryable;
  /** The schema the deployment's users, graph and post stores use (default `"feed_engine"`). */
  schema?: string;
  /**
   * The bound of this store's followee cache, in ids summed over readers plus one per reader (default 200,000, about
   * 10 MB; 0 turns the cache off). A read ships the reader's followee list only when the list changed since the
   * cached copy (its `following_version`, which every follow, unfollow, block and `followMany` of
   * {@link PostgresGraphStore} moves in the same statement), so the cache is exact across processes. Follows written
   * to the tables some other way must move the version too, or readers keep their cached lists.
   */
  followeeCacheIds?: number;
}

/** The default bound of {@link PostgresHomeContextStoreOptions.followeeCacheIds}. */
export const DEFAULT_FOLLOWEE_CACHE_IDS = 200_000;

/**
 * One statement for everything a home read needs before it merges, and, given the reader's timeline entries ($4, above
 * the floor $5), the page's first candidates hydrated. Lists come back as comma-joined text in no particular order,
 * which JavaScript splits natively (pg would parse an array character by character, and ordering a reader's 1,205
 * followees took half of this statement's time); the hydrated posts as one JSON array, which one `JSON.parse` reads.
 * The followees come back only when their version differs from the caller's ($6): '' for none, NULL for unchanged.
 * The pulled authors' recent posts use the same per-author backward scans as `PostgresPostStore.byAuthors`.
 */
function statement(schema: string): string {
  return `WITH pulled AS MATERIALIZED (
      SELECT f.followee_id AS id FROM ${schema}.follows f
      JOIN ${schema}.pulled_authors pa ON pa.user_id = f.followee_id
      WHERE f.follower_id = $1
    ), recent AS MATERIALIZED (
      SELECT p.id FROM (SELECT $1::bigint AS author_id UNION SELECT id FROM pulled) a
      CROSS JOIN LATERAL (
        SELECT id FROM ${schema}.posts
        WHERE author_id = a.author_id AND NOT deleted AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3
      ) p
      ORDER BY p.id DESC LIMIT $3
    ), first_candidates AS (
      SELECT id FROM (
        SELECT unnest($4::bigint[]) AS id
        UNION SELECT id FROM recent WHERE id > $5::bigint
      ) candidates
      ORDER BY id DESC LIMIT $3
    )
    SELECT
      EXISTS (SELECT 1 FROM ${schema}.users WHERE id = $1) AS reader,
      version.v::text AS version,
      CASE WHEN version.v = $6::bigint THEN NULL ELSE coalesce(
        (SELECT string_agg(followee_id::text, ',') FROM ${schema}.follows WHERE follower_id = $1), ''
      ) END AS followees,
      (SELECT string_agg(id::text, ',') FROM pulled) AS pulled,
      (SELECT string_agg(id::text, ',') FROM (
        SELECT blocked_id AS id FROM ${schema}.blocks WHERE blocker_id = $1
        UNION SELECT blocker_id FROM ${schema}.blocks WHERE blocked_id = $1
      ) either_way) AS blocked,
      (SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM recent) AS recent,
      CASE WHEN $4::bigint[] IS NOT NULL THEN (
        SELECT coalesce(json_agg(hydrated), '[]') FROM (
          ${hydrationSelect(schema, "IN (SELECT id FROM first_candidates)")}
        ) hydrated
      ) END AS hydrated
    FROM (SELECT 1) one
    LEFT JOIN ${schema}.follow_counts version_row ON version_row.user_id = $1
    CROSS JOIN LATERAL (SELECT version_row.following_version AS v) version`;
}

interface ContextRow {
  reader: boolean;
  /** The reader's `following_version`; null when the reader has no follow_counts row (never followed anyone). */
  version: string | null;
  /** Null when unchanged since the version sent; '' when none. */
  followees: string | null;
  pulled: string | null;
  blocked: string | null;
  recent: string | null;
  /** JSON rows of `hydrationSelect`, parsed by pg; null when no timeline was given. */
  hydrated: Array<Record<string, unknown>> | null;
}

const list = (joined: string | null): string[] => (joined === null || joined === "" ? [] : joined.split(","));

/**
 * {@link HomeContextStore} on PostgreSQL: a home read's reader check, followees, blocks, pulled authors and their
 * recent posts in one round trip and one snapshot, instead of four queries. It reads the tables of the schema's
 * {@link PostgresUserStore}, {@link PostgresGraphStore} and {@link PostgresPostStore}; pass it with those stores.
 */
export class PostgresHomeContextStore implements HomeContextStore {
  readonly #pool: PgQueryable;
  readonly #sql: PreparedStatement;
  readonly #followees: FolloweeCache | undefined;

  constructor(options: PostgresHomeContextStoreOptions) {
    const cacheIds = options.followeeCacheIds ?? DEFAULT_FOLLOWEE_CACHE_IDS;
    if (!Number.isSafeInteger(cacheIds) || cacheIds < 0) {
      throw new FeedError(
        "VALIDATION",
        `PostgresHomeContextStore: followeeCacheIds must be a non-negative integer (got ${String(cacheIds)})`,
        { field: "followeeCacheIds" },
      );
    }
    this.#followees = cacheIds === 0 ? undefined : new FolloweeCache(cacheIds);
    this.#pool = options.pool;
    this.#sql = prepared(statement(quoteSchema(options.schema ?? DEFAULT_SCHEMA, "PostgresHomeContextStore")));
  }

  /** The reader's context for one page, or undefined when the reader does not exist. */
  async homeContext(readerId: UserId, page: HomeContextPage): Promise<HomeContext | undefined> {
    const where = "PostgresHomeContextStore.homeContext";
    const reader = pgId(readerId, where, "readerId");
    const before = page.before === undefined ? null : pgId(page.before, where, "page.before");
    const limit = pgLimit(page.limit);
    const timeline = page.timeline;
    const entries = timeline === undefined ? null : pgIdArrayLiteral(pgIds(timeline.ids, where, "page.timeline.ids"));
    const floor = timeline === undefined ? null : pgId(timeline.floor, where, "page.timeline.floor");
    const cached = this.#followees?.get(readerId);
    const { rows } = await guard(where, () =>
      run<ContextRow>(this.#pool, this.#sql, [reader, before, limit, entries, floor, cached?.version ?? null]),
    );
    const row = rows[0];
    if (row === undefined || !row.reader) return undefined;
    let followees: readonly UserId[];
    if (row.followees === null && cached !== undefined) {
      followees = cached.ids;
    } else {
      // Frozen: every read of this reader shares the array while it is cached, so a change would throw, not spread.
      followees = Object.freeze(list(row.followees));
      if (row.version !== null) this.#followees?.set(readerId, { version: row.version, ids: followees });
    }
    const context: HomeContext = {
      followees,
      pulled: list(row.pulled),
      blocked: list(row.blocked),
      recent: list(row.recent),
    };
    if (row.hydrated !== null) context.hydrated = toHydrated(row.hydrated);
    return context;
  }
}
