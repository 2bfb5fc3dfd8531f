import type { FollowResult, GraphStore, UserId, UserPageRange } from "@feed-engine/core";
import type { CassandraRow } from "./client.js";
import { type CassandraStoreOptions, CqlSession } from "./cql-session.js";
import { guard } from "./errors.js";
import { cqlId, cqlLimit, cqlMillis, distinctIds, idOf, millisOf } from "./values.js";

/** Options for {@link CassandraGraphStore}. */
export type CassandraGraphStoreOptions = CassandraStoreOptions;

/** Most ids in one `IN` list on a clustering column (one partition, so the list only bounds the statement's size). */
const IN_CHUNK = 100;

function statements(s: CqlSession) {
  const followees = s.table("followees");
  const followers = s.table("followers");
  const counts = s.table("follow_counts");
  const blocks = s.table("blocks");
  const blockedBy = s.table("blocked_by");
  return {
    follow: `INSERT INTO ${followees} (follower_id, followee_id, at) VALUES (?, ?, ?) IF NOT EXISTS`,
    unfollow: `DELETE FROM ${followees} WHERE follower_id = ? AND followee_id = ? IF EXISTS`,
    addFollower: `INSERT INTO ${followers} (followee_id, follower_id, at) VALUES (?, ?, ?)`,
    removeFollower: `DELETE FROM ${followers} WHERE followee_id = ? AND follower_id = ?`,
    followingUp: `UPDATE ${counts} SET following = following + 1 WHERE user_id = ?`,
    followingDown: `UPDATE ${counts} SET following = following - 1 WHERE user_id = ?`,
    followersUp: `UPDATE ${counts} SET followers = followers + 1 WHERE user_id = ?`,
    followersDown: `UPDATE ${counts} SET followers = followers - 1 WHERE user_id = ?`,
    counts: `SELECT followers, following FROM ${counts} WHERE user_id = ?`,
    followedAt: `SELECT at FROM ${followees} WHERE follower_id = ? AND followee_id = ?`,
    followingAmong: `SELECT followee_id FROM ${followees} WHERE follower_id = ? AND followee_id IN ?`,
    allFollowees: `SELECT followee_id FROM ${followees} WHERE follower_id = ?`,
    followersPage: `SELECT follower_id FROM ${followers} WHERE followee_id = ? AND follower_id > ? LIMIT ?`,
    followeesPage: `SELECT followee_id FROM ${followees} WHERE follower_id = ? AND followee_id > ? LIMIT ?`,
    block: `INSERT INTO ${blocks} (blocker_id, blocked_id) VALUES (?, ?) IF NOT EXISTS`,
    unblock: `DELETE FROM ${blocks} WHERE blocker_id = ? AND blocked_id = ? IF EXISTS`,
    addBlockedBy: `INSERT INTO ${blockedBy} (blocked_id, blocker_id) VALUES (?, ?)`,
    removeBlockedBy: `DELETE FROM ${blockedBy} WHERE blocked_id = ? AND blocker_id = ?`,
    blocking: `SELECT blocked_id FROM ${blocks} WHERE blocker_id = ? AND blocked_id IN ?`,
    blockers: `SELECT blocker_id FROM ${blockedBy} WHERE blocked_id = ? AND blocker_id IN ?`,
    allBlocking: `SELECT blocked_id FROM ${blocks} WHERE blocker_id = ?`,
    allBlockers: `SELECT blocker_id FROM ${blockedBy} WHERE blocked_id = ?`,
  };
}

const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

/**
 * {@link GraphStore} on Cassandra. Each follow is two rows, `followees` by follower and `followers` by followee (both
 * clustered by the other id ascending, so keyset pages are slices), and a follow exists when its `followees` row does:
 * that row is added with `IF NOT EXISTS` and removed with `IF EXISTS`, and only the writer whose transaction applied
 * writes the mirror row and moves the counters, so concurrent duplicates count once. Blocks are kept both ways too.
 * Cassandra has no transaction over several partitions, so a follow and a block racing each other are resolved by
 * ordering: a block is written before it removes follows, and a follow checks for blocks again after it is written and
 * takes itself back if one appeared. Follower partitions are not bucketed: an account with millions of followers has
 * a partition of ~20 bytes per follower (see README.md).
 */
export class CassandraGraphStore implements GraphStore {
  readonly #s: CqlSession;
  readonly #cql: ReturnType<typeof statements>;

  constructor(options: CassandraGraphStoreOptions) {
    this.#s = new CqlSession(options, "CassandraGraphStore");
    this.#cql = statements(this.#s);
  }

  /** Adds `follower -> followee` at `at` unless it exists or a block stands between them (either way). */
  async follow(followerId: UserId, followeeId: UserId, at: number): Promise<FollowResult> {
    const where = "CassandraGraphStore.follow";
    const follower = cqlId(followerId, where, "followerId");
    const followee = cqlId(followeeId, where, "followeeId");
    const time = cqlMillis(at, where, "at");
    return guard(where, () => this.#follow(follower, followee, time));
  }

  /** Adds many follows (parallel, limited), skipping self-follows, existing ones and blocked pairs. */
  async followMany(edges: ReadonlyArray<readonly [UserId, UserId]>, at: number): Promise<number> {
    const where = "CassandraGraphStore.followMany";
    const time = cqlMillis(at, where, "at");
    const distinct = new Map<string, [UserId, UserId]>();
    edges.forEach(([follower, followee], i) => {
      const edge: [UserId, UserId] = [
        cqlId(follower, where, `edges[${i}][0]`),
        cqlId(followee, where, `edges[${i}][1]`),
      ];
      if (edge[0] !== edge[1]) distinct.set(`${edge[0]}:${edge[1]}`, edge);
    });
    const results = await this.#s.each(where, [...distinct.values()], ([follower, followee]) =>
      this.#follow(follower, followee, time),
    );
    return results.filter((result) => result === "created").length;
  }

  /** Removes a follow; false when there was none. */
  async unfollow(followerId: UserId, followeeId: UserId): Promise<boolean> {
    const where = "CassandraGraphStore.unfollow";
    const follower = cqlId(followerId, where, "followerId");
    const followee = cqlId(followeeId, where, "followeeId");
    return guard(where, () => this.#unfollow(follower, followee));
  }

  /** For each of `followeeIds`, whether `followerId` follows it: slices of the follower's one partition. */
  async isFollowing(followerId: UserId, followeeIds: readonly UserId[]): Promise<boolean[]> {
    const where = "CassandraGraphStore.isFollowing";
    const follower = cqlId(followerId, where, "followerId");
    const wanted = distinctIds(followeeIds, where, "followeeIds");
    const found = await this.#among(where, this.#cql.followingAmong, follower, wanted, "followee_id");
    return followeeIds.map((id) => found.has(id));
  }

  /** When `followerId` started following `followeeId`, or undefined. */
  async followedAt(followerId: UserId, followeeId: UserId): Promise<number | undefined> {
    const where = "CassandraGraphStore.followedAt";
    const params = [cqlId(followerId, where, "followerId"), cqlId(followeeId, where, "followeeId")];
    const row = await guard(where, () => this.#s.first(this.#cql.followedAt, params));
    return row === undefined ? undefined : millisOf(row.at);
  }

  /** Every account `followerId` follows (the whole partition, page by page). */
  async followeeIds(followerId: UserId): Promise<UserId[]> {
    const where = "CassandraGraphStore.followeeIds";
    const follower = cqlId(followerId, where, "followerId");
    const rows = await guard(where, () => this.#s.all(this.#cql.allFollowees, [follower]));
    return rows.map((row) => idOf(row.followee_id)!);
  }

  /** A page of the accounts following `followeeId`, ascending by id: one slice. */
  async followers(followeeId: UserId, range: UserPageRange): Promise<UserId[]> {
    const where = "CassandraGraphStore.followers";
    return this.#page(where, this.#cql.followersPage, cqlId(followeeId, where, "followeeId"), range, "follower_id");
  }

  /** A page of the accounts `followerId` follows, ascending by id: one slice. */
  async followees(followerId: UserId, range: UserPageRange): Promise<UserId[]> {
    const where = "CassandraGraphStore.followees";
    return this.#page(where, this.#cql.followeesPage, cqlId(followerId, where, "followerId"), range, "followee_id");
  }

  /** Follower and following counts (counters, never below zero). */
  async counts(userId: UserId): Promise<{ followers: number; following: number }> {
    const where = "CassandraGraphStore.counts";
    const user = cqlId(userId, where, "userId");
    const row = await guard(where, () => this.#s.first(this.#cql.counts, [user]));
    const count = (value: unknown) => (value === null || value === undefined ? 0 : Math.max(0, Number(String(value))));
    return { followers: count(row?.followers), following: count(row?.following) };
  }

  /**
   * Records the block (a transaction decides whether it is new), then removes follows both ways. Returns false,
   * changing nothing, when it existed.
   */
  async block(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    const where = "CassandraGraphStore.block";
    const blocker = cqlId(blockerId, where, "blockerId");
    const blocked = cqlId(blockedId, where, "blockedId");
    return guard(where, async () => {
      const added = await this.#s.applied(this.#cql.block, [blocker, blocked]);
      if (!added.applied && !added.uncertain) return false;
      await this.#s.rows(this.#cql.addBlockedBy, [blocked, blocker]);
      await Promise.all([this.#unfollow(blocker, blocked), this.#unfollow(blocked, blocker)]);
      return true;
    });
  }

  /** Removes a block; false when there was none. Follows it removed stay removed. */
  async unblock(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    const where = "CassandraGraphStore.unblock";
    const blocker = cqlId(blockerId, where, "blockerId");
    const blocked = cqlId(blockedId, where, "blockedId");
    return guard(where, async () => {
      const removed = await this.#s.applied(this.#cql.unblock, [blocker, blocked]);
      if (!removed.applied && !removed.uncertain) return false;
      await this.#s.rows(this.#cql.removeBlockedBy, [blocked, blocker]);
      return true;
    });
  }

  /** For each of `otherIds`, whether a block stands between it and `userId` either way: two single-partition reads. */
  async blockedEither(userId: UserId, otherIds: readonly UserId[]): Promise<boolean[]> {
    const where = "CassandraGraphStore.blockedEither";
    const user = cqlId(userId, where, "userId");
    const others = distinctIds(otherIds, where, "otherIds");
    const [blocking, blockers] = await Promise.all([
      this.#among(where, this.#cql.blocking, user, others, "blocked_id"),
      this.#among(where, this.#cql.blockers, user, others, "blocker_id"),
    ]);
    return otherIds.map((id) => blocking.has(id) || blockers.has(id));
  }

  /** Every user a block stands between and `userId`, either way, ascending: two partitions read whole. */
  async blockedIds(userId: UserId): Promise<UserId[]> {
    const where = "CassandraGraphStore.blockedIds";
    const user = cqlId(userId, where, "userId");
    const [blocking, blockers] = await guard(where, () =>
      Promise.all([this.#s.all(this.#cql.allBlocking, [user]), this.#s.all(this.#cql.allBlockers, [user])]),
    );
    const ids = new Set([...blocking.map((r) => idOf(r.blocked_id)!), ...blockers.map((r) => idOf(r.blocker_id)!)]);
    return [...ids].map(BigInt).sort(ascending).map(String);
  }

  async #follow(follower: UserId, followee: UserId, at: number): Promise<FollowResult> {
    if (await this.#blockedPair(follower, followee)) return "blocked";
    const added = await this.#s.applied(this.#cql.follow, [follower, followee, at]);
    if (!added.applied && !(added.uncertain && millisOf(added.row?.at) === at)) return "exists";
    // A block written meanwhile may have looked for this follow before it existed: check again, and take it back.
    const [blocked] = await Promise.all([
      this.#blockedPair(follower, followee),
      this.#s.rows(this.#cql.addFollower, [followee, follower, at]),
      this.#s.rows(this.#cql.followingUp, [follower], { isIdempotent: false }),
      this.#s.rows(this.#cql.followersUp, [followee], { isIdempotent: false }),
    ]);
    if (blocked) {
      await this.#unfollow(follower, followee);
      return "blocked";
    }
    return "created";
  }

  async #unfollow(follower: UserId, followee: UserId): Promise<boolean> {
    const removed = await this.#s.applied(this.#cql.unfollow, [follower, followee]);
    if (!removed.applied && !removed.uncertain) return false;
    await Promise.all([
      this.#s.rows(this.#cql.removeFollower, [followee, follower]),
      this.#s.rows(this.#cql.followingDown, [follower], { isIdempotent: false }),
      this.#s.rows(this.#cql.followersDown, [followee], { isIdempotent: false }),
    ]);
    return true;
  }

  async #blockedPair(a: UserId, b: UserId): Promise<boolean> {
    const [ab, ba] = await Promise.all([
      this.#s.rows(this.#cql.blocking, [a, [b]]),
      this.#s.rows(this.#cql.blocking, [b, [a]]),
    ]);
    return ab.length > 0 || ba.length > 0;
  }

  /** Which of `ids` a clustering-column `IN` slice of one partition finds (chunked). */
  async #among(
    where: string,
    query: string,
    key: UserId,
    ids: readonly UserId[],
    column: string,
  ): Promise<Set<UserId>> {
    if (ids.length === 0) return new Set();
    const pages = await this.#s.each(where, chunks(ids), (chunk) => this.#s.rows(query, [key, chunk]));
    return new Set(pages.flat().map((row: CassandraRow) => idOf(row[column])!));
  }

  async #page(where: string, query: string, key: UserId, range: UserPageRange, column: string): Promise<UserId[]> {
    const after = range.after === undefined ? "-1" : cqlId(range.after, where, "range.after");
    const limit = cqlLimit(range.limit);
    if (limit === 0) return [];
    const rows = await guard(where, () => this.#s.rows(query, [key, after, limit]));
    return rows.map((row) => idOf(row[column])!);
  }
}
