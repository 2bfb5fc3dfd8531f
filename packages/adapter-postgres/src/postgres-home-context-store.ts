import {
  FeedError,
  type HomeContext,
  type HomeContextPage,
  type HomeContextStore,
  type HydratedPost,
  type PostId,
  type UserId,
} from "@feed-engine/core";
import { guard } from "./errors.js";
import { FolloweeCache } from "./followee-cache.js";
import { type PgQueryable, type PreparedStatement, prepared, run } from "./pool.js";
import { type CacheStats, PostContentCache } from "./post-content-cache.js";
import { hydrationSelect, likesSelect, type PostContent, parseLikes, postWith, toHydrated } from "./post-rows.js";
import { DEFAULT_SCHEMA, quoteSchema } from "./schema.js";
import { pgId, pgIdArrayLiteral, pgIds, pgLimit } from "./values.js";

/** Options for {@link PostgresHomeContextStore}. */
export interface PostgresHomeContextStoreOptions {
  /** A `pg.Pool` (or a `pg.Client`: every read is one statement). The caller owns it and ends it. */
  pool: PgQueryable;
  /** The schema the deployment's users, graph and post stores use (default `"feed_engine"`). */
  schema?: string;
  /**
   * The bound of this store's followee cache, in ids (followees and pulled followees) summed over readers plus one per
   * reader (default 200,000, about 10 MB; 0 turns the cache off). A read ships the reader's followee list only when
   * the list changed since the cached copy (its `following_version`, which every follow, unfollow, block and
   * `followMany` of {@link PostgresGraphStore} moves in the same statement), so the cache is exact across processes.
   * Follows written to the tables some other way must move the version too, or readers keep their cached lists. The
   * pulled authors among a reader's followees are kept with the list: a read finds them again only when the list or
   * the set of pulled authors changed (`pulled_authors_version`, which a trigger on `pulled_authors` moves with every
   * row added or removed, however written).
   */
  followeeCacheIds?: number;
  /**
   * The bound of this store's post content cache, in posts (default 20,000, about 10 MB for posts of ~100 characters;
   * 0 turns it off). A post's content never changes once stored, so a read hydrates the posts it has cached from
   * their like counts and liveness alone, read in the same statement: a deleted post, an unliked post or a repost
   * whose original was deleted shows at once, in every process. Posts changed in the tables some other way than
   * deleting them through {@link PostgresPostStore} may show as they were until they leave the cache.
   */
  postCacheSize?: number;
}

/** The default bound of {@link PostgresHomeContextStoreOptions.followeeCacheIds}. */
export const DEFAULT_FOLLOWEE_CACHE_IDS = 200_000;

/** The default bound of {@link PostgresHomeContextStoreOptions.postCacheSize}. */
export const DEFAULT_POST_CACHE_SIZE = 20_000;

/**
 * One statement for everything a home read needs before it merges, and, given the reader's timeline entries ($4, above
 * the floor $5), the page's first candidates hydrated. Lists come back as comma-joined text in no particular order,
 * which JavaScript splits natively (pg would parse an array character by character, and ordering a reader's 1,205
 * followees took half of this statement's time); the hydrated posts as one JSON array, which one `JSON.parse` reads.
 * The followees come back only when their version differs from the caller's ($6): '' for none, NULL for unchanged.
 * The pulled authors among them are the caller's ($9) when both that version and the pulled authors' version (migration
 * 007) are the caller's ($6, $8), and are found again otherwise (returned: '' for none, NULL when the caller's held).
 * Candidates whose content the caller holds ($7) come back as like counts only (`likes`), the others as rows.
 * The pulled authors' recent posts use the same per-author backward scans as `PostgresPostStore.byAuthors`.
 */
function statement(schema: string): string {
  return `WITH known AS MATERIALIZED (
      SELECT v.following_version, v.pulled_version,
        coalesce(v.following_version = $6::bigint AND v.pulled_version = $8::bigint, false) AS held_pulled
      FROM (SELECT
        (SELECT following_version FROM ${schema}.follow_counts WHERE user_id = $1) AS following_version,
        (SELECT version FROM ${schema}.pulled_authors_version) AS pulled_version
      ) v
    ), pulled AS MATERIALIZED (
      SELECT unnest($9::bigint[]) AS id WHERE (SELECT held_pulled FROM known)
      UNION ALL
      SELECT f.followee_id FROM ${schema}.follows f
      JOIN ${schema}.pulled_authors pa ON pa.user_id = f.followee_id
      WHERE f.follower_id = $1 AND NOT (SELECT held_pulled FROM known)
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
      known.following_version::text AS version,
      CASE WHEN known.following_version = $6::bigint THEN NULL ELSE coalesce(
        (SELECT string_agg(followee_id::text, ',') FROM ${schema}.follows WHERE follower_id = $1), ''
      ) END AS followees,
      known.pulled_version::text AS pulled_version,
      CASE WHEN known.held_pulled THEN NULL ELSE coalesce((SELECT string_agg(id::text, ',') FROM pulled), '') END
        AS pulled,
      (SELECT string_agg(id::text, ',') FROM (
        SELECT blocked_id AS id FROM ${schema}.blocks WHERE blocker_id = $1
        UNION SELECT blocker_id FROM ${schema}.blocks WHERE blocked_id = $1
      ) either_way) AS blocked,
      (SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM recent) AS recent,
      CASE WHEN $4::bigint[] IS NOT NULL THEN (
        SELECT coalesce(json_agg(hydrated), '[]') FROM (
          ${hydrationSelect(schema, "IN (SELECT id FROM first_candidates WHERE id <> ALL ($7::bigint[]))")}
        ) hydrated
      ) END AS hydrated,
      CASE WHEN $4::bigint[] IS NOT NULL THEN (
        ${likesSelect(schema, "IN (SELECT id FROM first_candidates WHERE id = ANY ($7::bigint[]))")}
      ) END AS likes
    FROM known`;
}

interface ContextRow {
  reader: boolean;
  /** The reader's `following_version`; null when the reader has no follow_counts row (never followed anyone). */
  version: string | null;
  /** Null when unchanged since the version sent; '' when none. */
  followees: string | null;
  /** The version of the pulled authors (migration 007). */
  pulled_version: string;
  /** Null when the caller's list was current (both versions unchanged); '' when none. */
  pulled: string | null;
  blocked: string | null;
  recent: string | null;
  /** JSON rows of `hydrationSelect` for the candidates not in $7, parsed by pg; null when no timeline was given. */
  hydrated: Array<Record<string, unknown>> | null;
  /** `likesSelect` of the candidates in $7; null when none of them lives or no timeline was given. */
  likes: string | null;
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
  readonly #posts: PostContentCache | undefined;

  constructor(options: PostgresHomeContextStoreOptions) {
    const cacheIds = cacheBound(options.followeeCacheIds ?? DEFAULT_FOLLOWEE_CACHE_IDS, "followeeCacheIds");
    const cachePosts = cacheBound(options.postCacheSize ?? DEFAULT_POST_CACHE_SIZE, "postCacheSize");
    this.#followees = cacheIds === 0 ? undefined : new FolloweeCache(cacheIds);
    this.#posts = cachePosts === 0 ? undefined : new PostContentCache(cachePosts);
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
    const held = timeline === undefined ? undefined : this.#heldContent(timeline.ids);
    const heldIds = held === undefined ? "{}" : pgIdArrayLiteral([...held.keys()]);
    const { rows } = await guard(where, () =>
      run<ContextRow>(this.#pool, this.#sql, [
        reader,
        before,
        limit,
        entries,
        floor,
        cached?.version ?? null,
        heldIds,
        cached?.pulledVersion ?? null,
        cached === undefined ? "{}" : pgIdArrayLiteral(cached.pulled),
      ]),
    );
    const row = rows[0];
    if (row === undefined || !row.reader) return undefined;
    // Frozen: every read of this reader shares the arrays while they are cached, so a change would throw, not spread.
    const followees = row.followees === null && cached !== undefined ? cached.ids : Object.freeze(list(row.followees));
    const pulled = row.pulled === null && cached !== undefined ? cached.pulled : Object.freeze(list(row.pulled));
    if (row.version !== null && (cached === undefined || followees !== cached.ids || pulled !== cached.pulled)) {
      this.#followees?.set(readerId, {
        version: row.version,
        ids: followees,
        pulledVersion: row.pulled_version,
        pulled,
      });
    }
    const context: HomeContext = {
      followees,
      pulled,
      blocked: list(row.blocked),
      recent: list(row.recent),
    };
    if (row.hydrated !== null) context.hydrated = this.#hydrated(row.hydrated, row.likes, held);
    return context;
  }

  /** Hits and misses of the post content cache and the posts it holds; undefined when it is off. */
  get postCacheStats(): CacheStats | undefined {
    return this.#posts?.stats;
  }

  /**
   * The content this store holds of the timeline's entries, and of the originals of those that are reposts, by id:
   * what the statement need not ship. A repost whose original is not held is left out, so its row brings both.
   */
  #heldContent(ids: readonly string[]): Map<string, PostContent> | undefined {
    const cache = this.#posts;
    if (cache === undefined) return undefined;
    const held = new Map<string, PostContent>();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      // Already held as an original of a newer entry: looked up once.
      if (held.has(id)) continue;
      const content = cache.get(id);
      if (content === undefined) continue;
      const originalId = content.repostOf?.postId;
      if (originalId === undefined) {
        held.set(content.id, content);
        continue;
      }
      const original = held.get(originalId) ?? cache.get(originalId);
      if (original === undefined) continue;
      held.set(content.id, content);
      held.set(originalId, original);
    }
    return held;
  }

  /** The page's first candidates: rows shipped in full (kept in the cache), and held content with its like counts. */
  #hydrated(
    rows: Array<Record<string, unknown>>,
    likes: string | null,
    held: Map<string, PostContent> | undefined,
  ): Map<PostId, HydratedPost> {
    const hydrated = toHydrated(rows);
    const cache = this.#posts;
    if (cache === undefined || held === undefined) return hydrated;
    for (const { post, original } of hydrated.values()) {
      cache.set(post);
      if (original !== undefined) cache.set(original);
    }
    for (const entry of parseLikes(likes)) {
      const content = held.get(entry.id)!;
      const post: HydratedPost = { post: postWith(content, entry.likes) };
      if (entry.originalLikes !== undefined) {
        post.original = postWith(held.get(content.repostOf!.postId)!, entry.originalLikes);
      }
      hydrated.set(entry.id, post);
    }
    return hydrated;
  }
}

/** A cache bound option, checked: a non-negative integer (0 turns the cache off). */
function cacheBound(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FeedError(
      "VALIDATION",
      `PostgresHomeContextStore: ${field} must be a non-negative integer (got ${String(value)})`,
      { field },
    );
  }
  return value;
}
