import { compareIds, type UserId } from "../ids/id.js";
import type { FollowResult, GraphStore, UserPageRange } from "../ports/graph-store.js";
import { partitionPoint } from "./partition-point.js";

/** First index whose id is above `id` in an ascending array. */
function upperBound(ids: readonly UserId[], id: UserId): number {
  return partitionPoint(ids, (x) => compareIds(x, id) <= 0);
}

/** Adds `id` to an ascending array that does not hold it; appending is the fast path. */
function insertSorted(ids: UserId[], id: UserId): void {
  const last = ids[ids.length - 1];
  if (last === undefined || compareIds(last, id) < 0) ids.push(id);
  else ids.splice(upperBound(ids, id), 0, id);
}

/** Removes `id` from an ascending array, if it is there. */
function removeSorted(ids: UserId[], id: UserId): void {
  const at = upperBound(ids, id) - 1;
  if (at >= 0 && ids[at] === id) ids.splice(at, 1);
}

/** A keyset page of an ascending array: ids strictly after `range.after`, at most `range.limit`. */
function pageOf(ids: readonly UserId[], range: UserPageRange): UserId[] {
  const limit = range.limit > 0 ? Math.floor(range.limit) : 0;
  if (limit === 0) return [];
  const start = range.after === undefined ? 0 : upperBound(ids, range.after);
  return ids.slice(start, start + limit);
}

const NONE: readonly UserId[] = Object.freeze([]);

/** Ids in a `Set` or `Map` keyed by id, each with an ascending array built on first read and kept until invalidated. */
class SortedIndex<T extends Set<UserId> | Map<UserId, number>> {
  readonly members = new Map<UserId, T>();
  /** A missing entry means "not built yet, or invalidated by a bulk load". */
  readonly #sorted = new Map<UserId, UserId[]>();

  /** The ids under `owner`, ascending. Shared with the index: callers must not mutate it. */
  sorted(owner: UserId): readonly UserId[] {
    let ids = this.#sorted.get(owner);
    if (ids === undefined) {
      const members = this.members.get(owner);
      if (members === undefined) return NONE;
      ids = [...members.keys()].sort(compareIds);
      this.#sorted.set(owner, ids);
    }
    return ids;
  }

  /** Keeps a built array in step with one added member. */
  added(owner: UserId, id: UserId): void {
    const ids = this.#sorted.get(owner);
    if (ids !== undefined) insertSorted(ids, id);
  }

  /** Keeps a built array in step with one removed member; forgets the owner once it has none. */
  removed(owner: UserId, id: UserId): void {
    if (this.members.get(owner)?.size === 0) {
      this.members.delete(owner);
      this.#sorted.delete(owner);
      return;
    }
    const ids = this.#sorted.get(owner);
    if (ids !== undefined) removeSorted(ids, id);
  }

  /** Drops the built array so the next read sorts again (after a bulk load). */
  invalidate(owner: UserId): void {
    this.#sorted.delete(owner);
  }
}

/**
 * The embedded {@link GraphStore}. Follows are kept both ways — follower -> (followee -> time) and followee -> followers
 * — and each side has an ascending id array built lazily, so a page of followers is a binary search and a slice.
 * Single writes keep built arrays in step; {@link followMany} only marks them stale, so seeding never sorts per edge.
 */
export class MemoryGraphStore implements GraphStore {
  readonly #following = new SortedIndex<Map<UserId, number>>();
  readonly #followers = new SortedIndex<Set<UserId>>();
  /** blocker -> blocked. */
  readonly #blocks = new Map<UserId, Set<UserId>>();
  /** The same blocks, blocked -> blockers, so a user's blocks either way are two lookups. */
  readonly #blockedBy = new Map<UserId, Set<UserId>>();

  /** Adds the follow unless it exists or a block stands between the two. */
  async follow(followerId: UserId, followeeId: UserId, at: number): Promise<FollowResult> {
    if (this.#blocked(followerId, followeeId)) return "blocked";
    if (this.#following.members.get(followerId)?.has(followeeId)) return "exists";
    this.#add(followerId, followeeId, at);
    this.#following.added(followerId, followeeId);
    this.#followers.added(followeeId, followerId);
    return "created";
  }

  /** Bulk load: skips self-follows, existing follows and blocked pairs; returns how many follows were added. */
  async followMany(edges: ReadonlyArray<readonly [UserId, UserId]>, at: number): Promise<number> {
    const checkBlocks = this.#blocks.size > 0;
    let created = 0;
    for (const [followerId, followeeId] of edges) {
      if (followerId === followeeId) continue;
      if (this.#following.members.get(followerId)?.has(followeeId)) continue;
      if (checkBlocks && this.#blocked(followerId, followeeId)) continue;
      this.#add(followerId, followeeId, at);
      this.#following.invalidate(followerId);
      this.#followers.invalidate(followeeId);
      created++;
    }
    return created;
  }

  /** Removes a follow; false when there was none. */
  async unfollow(followerId: UserId, followeeId: UserId): Promise<boolean> {
    return this.#remove(followerId, followeeId);
  }

  /** For each of `followeeIds`, whether `followerId` follows it. */
  async isFollowing(followerId: UserId, followeeIds: readonly UserId[]): Promise<boolean[]> {
    const followees = this.#following.members.get(followerId);
    return followeeIds.map((id) => followees?.has(id) ?? false);
  }

  /** When the follow was made, or undefined when there is none. */
  async followedAt(followerId: UserId, followeeId: UserId): Promise<number | undefined> {
    return this.#following.members.get(followerId)?.get(followeeId);
  }

  /** Every account `followerId` follows, ascending by id. */
  async followeeIds(followerId: UserId): Promise<UserId[]> {
    return [...this.#following.sorted(followerId)];
  }

  /** A keyset page of `followeeId`'s followers, ascending by id. */
  async followers(followeeId: UserId, range: UserPageRange): Promise<UserId[]> {
    return pageOf(this.#followers.sorted(followeeId), range);
  }

  /** A keyset page of the accounts `followerId` follows, ascending by id. */
  async followees(followerId: UserId, range: UserPageRange): Promise<UserId[]> {
    return pageOf(this.#following.sorted(followerId), range);
  }

  /** Follower and following counts. */
  async counts(userId: UserId): Promise<{ followers: number; following: number }> {
    return {
      followers: this.#followers.members.get(userId)?.size ?? 0,
      following: this.#following.members.get(userId)?.size ?? 0,
    };
  }

  /** Records the block and removes follows both ways; false, changing nothing, when it already stood. */
  async block(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    let blocked = this.#blocks.get(blockerId);
    if (blocked?.has(blockedId)) return false;
    if (blocked === undefined) {
      blocked = new Set();
      this.#blocks.set(blockerId, blocked);
    }
    blocked.add(blockedId);
    let blockers = this.#blockedBy.get(blockedId);
    if (blockers === undefined) {
      blockers = new Set();
      this.#blockedBy.set(blockedId, blockers);
    }
    blockers.add(blockerId);
    this.#remove(blockerId, blockedId);
    this.#remove(blockedId, blockerId);
    return true;
  }

  /** Removes a block; false when there was none. Follows removed by the block stay removed. */
  async unblock(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    const blocked = this.#blocks.get(blockerId);
    if (blocked === undefined || !blocked.delete(blockedId)) return false;
    if (blocked.size === 0) this.#blocks.delete(blockerId);
    const blockers = this.#blockedBy.get(blockedId);
    blockers?.delete(blockerId);
    if (blockers?.size === 0) this.#blockedBy.delete(blockedId);
    return true;
  }

  /** Everyone `userId` blocks or is blocked by, ascending by id. */
  async blockedIds(userId: UserId): Promise<UserId[]> {
    const ids = new Set([...(this.#blocks.get(userId) ?? []), ...(this.#blockedBy.get(userId) ?? [])]);
    return [...ids].sort(compareIds);
  }

  /** For each of `otherIds`, whether either of it and `userId` blocks the other. */
  async blockedEither(userId: UserId, otherIds: readonly UserId[]): Promise<boolean[]> {
    if (this.#blocks.size === 0) return otherIds.map(() => false);
    return otherIds.map((otherId) => this.#blocked(userId, otherId));
  }

  #blocked(a: UserId, b: UserId): boolean {
    return (this.#blocks.get(a)?.has(b) ?? false) || (this.#blocks.get(b)?.has(a) ?? false);
  }

  /** Writes the edge both ways; the caller keeps the sorted arrays right. */
  #add(followerId: UserId, followeeId: UserId, at: number): void {
    let followees = this.#following.members.get(followerId);
    if (followees === undefined) {
      followees = new Map();
      this.#following.members.set(followerId, followees);
    }
    followees.set(followeeId, at);
    let followers = this.#followers.members.get(followeeId);
    if (followers === undefined) {
      followers = new Set();
      this.#followers.members.set(followeeId, followers);
    }
    followers.add(followerId);
  }

  #remove(followerId: UserId, followeeId: UserId): boolean {
    if (!this.#following.members.get(followerId)?.delete(followeeId)) return false;
    this.#followers.members.get(followeeId)?.delete(followerId);
    this.#following.removed(followerId, followeeId);
    this.#followers.removed(followeeId, followerId);
    return true;
  }
}
