import { isDeepStrictEqual } from "node:util";
import {
  compareIds,
  FeedError,
  type HydratedPost,
  type IdRange,
  type LikeRecord,
  MAX_ID,
  type PostId,
  type PostRecord,
  type PostStore,
  type UserId,
} from "@feed-engine/core";
import { bucketOf } from "./author-buckets.js";
import type { CassandraRow } from "./client.js";
import { conflictGroups } from "./conflict-groups.js";
import { type CassandraStoreOptions, CqlSession } from "./cql-session.js";
import { guard } from "./errors.js";
import { type CheckedPost, checkPost, POST_COLUMNS, toPost, toRecord } from "./post-rows.js";
import { cqlId, cqlLimit, cqlList, cqlMillis, distinctIds, idOf, millisOf } from "./values.js";

/** Options for {@link CassandraPostStore}. */
export type CassandraPostStoreOptions = CassandraStoreOptions;

/** The CQL of one store, built once from the quoted keyspace. */
function statements(s: CqlSession) {
  const posts = s.table("posts");
  const byAuthor = s.table("posts_by_author");
  const buckets = s.table("author_buckets");
  const reposts = s.table("reposts");
  const likes = s.table("likes");
  return {
    insert: `INSERT INTO ${posts} (${POST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
    get: `SELECT ${POST_COLUMNS} FROM ${posts} WHERE id = ?`,
    markDeleted: `UPDATE ${posts} SET deleted = true WHERE id = ? IF deleted = false`,
    index: `INSERT INTO ${byAuthor} (author_id, bucket, id) VALUES (?, ?, ?)`,
    unindex: `DELETE FROM ${byAuthor} WHERE author_id = ? AND bucket = ? AND id = ?`,
    addBucket: `INSERT INTO ${buckets} (author_id, bucket) VALUES (?, ?)`,
    buckets: `SELECT bucket FROM ${buckets} WHERE author_id = ? AND bucket <= ? AND bucket >= ?`,
    page: `SELECT id FROM ${byAuthor} WHERE author_id = ? AND bucket = ? AND id <= ? AND id >= ? LIMIT ?`,
    countUp: `UPDATE ${s.table("post_counts")} SET posts = posts + 1 WHERE author_id = ?`,
    countDown: `UPDATE ${s.table("post_counts")} SET posts = posts - 1 WHERE author_id = ?`,
    count: `SELECT posts FROM ${s.table("post_counts")} WHERE author_id = ?`,
    claimRepost: `INSERT INTO ${reposts} (original_id, reposter_id, repost_id) VALUES (?, ?, ?) IF NOT EXISTS`,
    retakeRepost: `UPDATE ${reposts} SET repost_id = ? WHERE original_id = ? AND reposter_id = ? IF repost_id = ?`,
    releaseRepost: `DELETE FROM ${reposts} WHERE original_id = ? AND reposter_id = ? IF repost_id = ?`,
    findReposts: `SELECT repost_id FROM ${reposts} WHERE original_id = ? AND reposter_id IN ?`,
    like: `INSERT INTO ${likes} (post_id, user_id, id, at) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
    unlike: `DELETE FROM ${likes} WHERE post_id = ? AND user_id = ? IF EXISTS`,
    getLike: `SELECT user_id, post_id, id, at FROM ${likes} WHERE post_id = ? AND user_id = ?`,
    likesUp: `UPDATE ${s.table("like_counts")} SET likes = likes + 1 WHERE post_id = ?`,
    likesDown: `UPDATE ${s.table("like_counts")} SET likes = likes - 1 WHERE post_id = ?`,
    likeCount: `SELECT likes FROM ${s.table("like_counts")} WHERE post_id = ?`,
  };
}

/** Most reposter ids in one `IN` list (one partition, so the list only bounds the statement's size). */
const IN_CHUNK = 100;
/** How often an insert retries when the author's repost claim keeps changing under it. */
const INSERT_ATTEMPTS = 3;
/** The largest bucket value (an `int`), for a walk with no upper bound. */
const MAX_BUCKET = 2_147_483_647;

/** Inclusive id bounds of an exclusive {@link IdRange}, or undefined when it holds no id. */
function bounds(range: IdRange, where: string): { hi: string; lo: string } | undefined {
  const before = range.before === undefined ? undefined : cqlId(range.before, where, "range.before");
  const after = range.after === undefined ? undefined : cqlId(range.after, where, "range.after");
  if (before === "0" || after === MAX_ID) return undefined;
  const hi = before === undefined ? MAX_ID : (BigInt(before) - 1n).toString();
  const lo = after === undefined ? "0" : (BigInt(after) + 1n).toString();
  return compareIds(lo, hi) > 0 ? undefined : { hi, lo };
}

const newestFirst = (a: PostId, b: PostId): number => compareIds(b, a);

/**
 * {@link PostStore} on Cassandra. Posts live in `posts` by id (deleted ones flagged, never removed). An author's live
 * post ids live in `posts_by_author`, one partition per author and 30-day bucket of Snowflake time (clustered by id
 * descending), with `author_buckets` listing the buckets each author has used, so no partition grows without bound and
 * author reads walk buckets newest first and stop as soon as the page is full. Uniqueness (a post id, one live repost
 * per author and original, one like per user and post) is decided by lightweight transactions; the post and like
 * counters are Cassandra counters moved only by the writer whose transaction applied. See README.md for the model.
 */
export class CassandraPostStore implements PostStore {
  readonly #s: CqlSession;
  readonly #cql: ReturnType<typeof statements>;

  constructor(options: CassandraPostStoreOptions) {
    this.#s = new CqlSession(options, "CassandraPostStore");
    this.#cql = statements(this.#s);
  }

  /**
   * Stores a post. When the id is stored already, or the author already has a live repost of the same original,
   * nothing is written and the stored id is returned with `created: false`.
   */
  async insert(post: PostRecord): Promise<{ created: boolean; id: PostId }> {
    const where = "CassandraPostStore.insert";
    return guard(where, () => this.#insert(checkPost(post, where)));
  }

  /**
   * Stores many posts, for seeding: the same as {@link insert} for each in ascending id order (equal ids in the order
   * given), skipping what `insert` would refuse. Every record is checked before anything is written. Posts that share
   * no id and no (author, original) repost pair are independent, so those groups are written in parallel (at most
   * `concurrency` at a time), each group in order. Returns how many posts were stored.
   */
  async insertMany(posts: readonly PostRecord[]): Promise<number> {
    const where = "CassandraPostStore.insertMany";
    const checked = cqlList(posts, where, "posts").map((post, i) =>
      checkPost(post as PostRecord, `${where}: posts[${i}]`),
    );
    const ordered = checked
      .map((post, i) => ({ post, i }))
      .sort((a, b) => compareIds(a.post.record.id, b.post.record.id) || a.i - b.i)
      .map(({ post }) => post);
    const groups = conflictGroups(ordered, ({ record }) =>
      record.repostOf !== undefined && !record.deleted
        ? [`id:${record.id}`, `repost:${record.authorId}:${record.repostOf.postId}`]
        : [`id:${record.id}`],
    );
    const created = await this.#s.each(where, groups, async (group) => {
      let count = 0;
      for (const post of group) if ((await this.#insert(post)).created) count++;
      return count;
    });
    return created.reduce((sum, n) => sum + n, 0);
  }

  /** {@link insert} of a checked post. */
  async #insert({ record, params }: CheckedPost): Promise<{ created: boolean; id: PostId }> {
    const claim = record.repostOf !== undefined && !record.deleted ? await this.#claimRepost(record) : "none";
    if (typeof claim === "object") return { created: false, id: claim.existing };
    const inserted = await this.#s.applied(this.#cql.insert, params);
    // After a server timeout, a row equal to this one is this call's own insert.
    if (!inserted.applied && !(inserted.uncertain && isDeepStrictEqual(toRecord(inserted.row!), record))) {
      // The id is taken: give back a claim this call made, and repair the index rows of a retried insert.
      if (claim === "claimed") await this.#releaseRepost(record);
      const stored = toRecord(inserted.row!);
      if (!stored.deleted && stored.authorId === record.authorId) await this.#index(stored);
      return { created: false, id: record.id };
    }
    if (!record.deleted) {
      await Promise.all([
        this.#index(record),
        this.#s.rows(this.#cql.countUp, [record.authorId], { isIdempotent: false }),
      ]);
    }
    return { created: true, id: record.id };
  }

  /** One post as stored, deleted or not. */
  async get(id: PostId): Promise<PostRecord | undefined> {
    const where = "CassandraPostStore.get";
    const postId = cqlId(id, where, "id");
    const row = await guard(where, () => this.#s.first(this.#cql.get, [postId]));
    return row === undefined ? undefined : toRecord(row);
  }

  /**
   * The live posts among `ids` with their live originals and like counts: one wave of parallel single-partition reads
   * (post row and like counter per id), then one more for originals that were not on the page.
   */
  async hydrate(ids: readonly PostId[]): Promise<Map<PostId, HydratedPost>> {
    const where = "CassandraPostStore.hydrate";
    const wanted = distinctIds(ids, where, "ids");
    const out = new Map<PostId, HydratedPost>();
    if (wanted.length === 0) return out;
    const found = new Map<PostId, { record: PostRecord; likes: number }>();
    await this.#load(where, wanted, found);
    const originals = new Set<PostId>();
    for (const { record } of found.values()) {
      const original = record.repostOf?.postId;
      if (original !== undefined && !found.has(original)) originals.add(original);
    }
    await this.#load(where, [...originals], found);
    for (const id of wanted) {
      const entry = found.get(id);
      if (entry === undefined || entry.record.deleted) continue;
      const hydrated: HydratedPost = { post: toPost(entry.record, entry.likes) };
      const original = entry.record.repostOf === undefined ? undefined : found.get(entry.record.repostOf.postId);
      if (original !== undefined && !original.record.deleted)
        hydrated.original = toPost(original.record, original.likes);
      out.set(id, hydrated);
    }
    return out;
  }

  /** Marks a post deleted; false when it was deleted already or never stored. */
  async delete(id: PostId): Promise<boolean> {
    const where = "CassandraPostStore.delete";
    const postId = cqlId(id, where, "id");
    return guard(where, async () => {
      const row = await this.#s.first(this.#cql.get, [postId]);
      if (row === undefined || row.deleted === true) return false;
      // The transaction decides which of several concurrent deletes moves the counter.
      const marked = await this.#s.applied(this.#cql.markDeleted, [postId]);
      if (!marked.applied && !(marked.uncertain && marked.row?.deleted === true)) return false;
      const record = toRecord(row);
      await Promise.all([
        this.#s.rows(this.#cql.unindex, [record.authorId, bucketOf(postId), postId]),
        this.#s.rows(this.#cql.countDown, [record.authorId], { isIdempotent: false }),
        record.repostOf === undefined ? undefined : this.#releaseRepost(record),
      ]);
      return true;
    });
  }

  /** Ids of an author's live posts, newest first, within `range`: the author's buckets newest first, stopping early. */
  async byAuthor(authorId: UserId, range: IdRange): Promise<PostId[]> {
    const where = "CassandraPostStore.byAuthor";
    return this.#walk(where, [cqlId(authorId, where, "authorId")], range);
  }

  /**
   * Ids of the live posts of any of `authorIds`, newest first, within `range`. Reads every author's bucket list, then
   * walks bucket values from the newest: each step reads that bucket of every author who has it (parallel
   * single-partition reads, each at most `limit` ids) and stops once the page is full, since every older bucket holds
   * only smaller ids.
   */
  async byAuthors(authorIds: readonly UserId[], range: IdRange): Promise<PostId[]> {
    const where = "CassandraPostStore.byAuthors";
    return this.#walk(where, distinctIds(authorIds, where, "authorIds"), range);
  }

  /** The bucket walk behind {@link byAuthor} and {@link byAuthors}, over checked, distinct author ids. */
  async #walk(where: string, authors: readonly UserId[], range: IdRange): Promise<PostId[]> {
    const window = bounds(range, where);
    const limit = cqlLimit(range.limit);
    if (authors.length === 0 || window === undefined || limit === 0) return [];
    const { hi, lo } = window;
    const top = range.before === undefined ? MAX_BUCKET : bucketOf(hi);
    const bottom = range.after === undefined ? 0 : bucketOf(lo);
    const lists = await this.#s.each(where, authors, (author) =>
      this.#s.rows(this.#cql.buckets, [author, top, bottom]),
    );
    const byBucket = new Map<number, UserId[]>();
    lists.forEach((rows, i) => {
      for (const row of rows) {
        const bucket = row.bucket as number;
        const list = byBucket.get(bucket) ?? [];
        list.push(authors[i]!);
        byBucket.set(bucket, list);
      }
    });
    const found: PostId[] = [];
    for (const bucket of [...byBucket.keys()].sort((a, b) => b - a)) {
      const pages = await this.#s.each(where, byBucket.get(bucket)!, (author) =>
        this.#s.rows(this.#cql.page, [author, bucket, hi, lo, limit]),
      );
      for (const rows of pages) for (const row of rows) found.push(idOf(row.id)!);
      if (found.length >= limit) break;
    }
    return found.sort(newestFirst).slice(0, limit);
  }

  /** Ids of the live reposts of `originalId` by any of `reposterIds`, ascending. */
  async findReposts(originalId: PostId, reposterIds: readonly UserId[]): Promise<PostId[]> {
    const where = "CassandraPostStore.findReposts";
    const original = cqlId(originalId, where, "originalId");
    const reposters = distinctIds(reposterIds, where, "reposterIds");
    const chunks: string[][] = [];
    for (let i = 0; i < reposters.length; i += IN_CHUNK) chunks.push(reposters.slice(i, i + IN_CHUNK));
    const pages = await this.#s.each(where, chunks, (chunk) => this.#s.rows(this.#cql.findReposts, [original, chunk]));
    return pages
      .flat()
      .map((row) => idOf(row.repost_id)!)
      .sort(compareIds);
  }

  /** Number of live posts, replies and reposts by an author (a counter, not a count). */
  async countByAuthor(authorId: UserId): Promise<number> {
    const where = "CassandraPostStore.countByAuthor";
    const author = cqlId(authorId, where, "authorId");
    const row = await guard(where, () => this.#s.first(this.#cql.count, [author]));
    return row === undefined ? 0 : Math.max(0, Number(String(row.posts)));
  }

  /** Adds a like unless this user already likes the post (a lightweight transaction decides), then counts it. */
  async like(like: LikeRecord): Promise<boolean> {
    const where = "CassandraPostStore.like";
    const postId = cqlId(like.postId, where, "like.postId");
    const params = [
      postId,
      cqlId(like.userId, where, "like.userId"),
      cqlId(like.id, where, "like.id"),
      cqlMillis(like.at, where, "like.at"),
    ];
    return guard(where, async () => {
      const added = await this.#s.applied(this.#cql.like, params);
      if (!added.applied && !(added.uncertain && idOf(added.row?.id) === params[2])) return false;
      await this.#s.rows(this.#cql.likesUp, [postId], { isIdempotent: false });
      return true;
    });
  }

  /** Removes a like; false when there was none. */
  async unlike(userId: UserId, postId: PostId): Promise<boolean> {
    const where = "CassandraPostStore.unlike";
    const post = cqlId(postId, where, "postId");
    const user = cqlId(userId, where, "userId");
    return guard(where, async () => {
      // After a server timeout the like being gone means this call removed it.
      const removed = await this.#s.applied(this.#cql.unlike, [post, user]);
      if (!removed.applied && !removed.uncertain) return false;
      await this.#s.rows(this.#cql.likesDown, [post], { isIdempotent: false });
      return true;
    });
  }

  /** The like of `postId` by `userId`, if there is one. */
  async getLike(userId: UserId, postId: PostId): Promise<LikeRecord | undefined> {
    const where = "CassandraPostStore.getLike";
    const params = [cqlId(postId, where, "postId"), cqlId(userId, where, "userId")];
    const row = await guard(where, () => this.#s.first(this.#cql.getLike, params));
    if (row === undefined) return undefined;
    return { userId: idOf(row.user_id)!, postId: idOf(row.post_id)!, id: idOf(row.id)!, at: millisOf(row.at) };
  }

  /**
   * Claims (author, original) for this repost. Returns "claimed" when this call took the claim, "ours" when it
   * already named this id (a retried insert), or the live repost that holds it. A claim left behind by a repost that
   * was deleted (its release failed) is taken over.
   */
  async #claimRepost(record: PostRecord): Promise<"claimed" | "ours" | { existing: PostId }> {
    const { postId: originalId } = record.repostOf!;
    for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      const claim = await this.#s.applied(this.#cql.claimRepost, [originalId, record.authorId, record.id]);
      if (claim.applied) return "claimed";
      const holder = idOf(claim.row?.repost_id);
      if (holder === undefined) continue;
      if (holder === record.id) return "ours";
      // A holder whose row is missing may be an insert in flight: it keeps the claim. A deleted one is stale.
      const held = await this.#s.first(this.#cql.get, [holder]);
      if (held === undefined || held.deleted !== true) return { existing: holder };
      const retaken = await this.#s.applied(this.#cql.retakeRepost, [record.id, originalId, record.authorId, holder]);
      if (retaken.applied || (retaken.uncertain && idOf(retaken.row?.repost_id) === record.id)) return "claimed";
    }
    throw new FeedError(
      "UNAVAILABLE",
      "cassandra: CassandraPostStore.insert: the author's repost of this post kept changing concurrently; retry the call",
    );
  }

  /** Gives back the (author, original) claim if this repost still holds it. */
  async #releaseRepost(record: PostRecord): Promise<void> {
    await this.#s.applied(this.#cql.releaseRepost, [record.repostOf!.postId, record.authorId, record.id]);
  }

  /** Writes the author-index rows of a live post (idempotent upserts, two partitions, sent in parallel). */
  async #index(record: PostRecord): Promise<void> {
    const bucket = bucketOf(record.id);
    await Promise.all([
      this.#s.rows(this.#cql.index, [record.authorId, bucket, record.id]),
      this.#s.rows(this.#cql.addBucket, [record.authorId, bucket]),
    ]);
  }

  /** Reads the post row and like counter of every id (parallel, limited) into `found`. */
  async #load(
    where: string,
    ids: readonly PostId[],
    found: Map<PostId, { record: PostRecord; likes: number }>,
  ): Promise<void> {
    const rows = await this.#s.each(where, ids, (id) =>
      Promise.all([this.#s.first(this.#cql.get, [id]), this.#s.first(this.#cql.likeCount, [id])]),
    );
    rows.forEach(([row, likes]: [CassandraRow | undefined, CassandraRow | undefined], i) => {
      if (row === undefined) return;
      const count = likes === undefined ? 0 : Math.max(0, Number(String(likes.likes)));
      found.set(ids[i]!, { record: toRecord(row), likes: count });
    });
  }
}
