import type { UserId } from "../ids/id.js";

/** A keyset page request over user ids in ascending order. */
export interface UserPageRange {
  /** Return ids strictly after this one. */
  after?: UserId;
  limit: number;
}

/** What a follow write did. */
export type FollowResult = "created" | "exists" | "blocked";

/** Follows and blocks: who sees whose posts. */
export interface GraphStore {
  /** Adds `follower -> followee` at time `at`, unless it exists or a block stands between them (either way). */
  follow(followerId: UserId, followeeId: UserId, at: number): Promise<FollowResult>;
  /** Adds many follows at once, skipping existing ones; for seeding. Returns how many were new. */
  followMany?(edges: ReadonlyArray<readonly [UserId, UserId]>, at: number): Promise<number>;
  /** Removes a follow. Returns false when there was none. */
  unfollow(followerId: UserId, followeeId: UserId): Promise<boolean>;
  /** For each of `followeeIds`, whether `followerId` follows it. */
  isFollowing(followerId: UserId, followeeIds: readonly UserId[]): Promise<boolean[]>;
  /** When `followerId` started following `followeeId`, or undefined when it does not. */
  followedAt(followerId: UserId, followeeId: UserId): Promise<number | undefined>;
  /** Every account `followerId` follows (bounded by its following count). */
  followeeIds(followerId: UserId): Promise<UserId[]>;
  /** A page of the accounts following `followeeId`, ascending by id. Streams millions of edges page by page. */
  followers(followeeId: UserId, range: UserPageRange): Promise<UserId[]>;
  /** A page of the accounts `followerId` follows, ascending by id. */
  followees(followerId: UserId, range: UserPageRange): Promise<UserId[]>;
  /** Follower and following counts. */
  counts(userId: UserId): Promise<{ followers: number; following: number }>;
  /**
   * Records that `blockerId` blocks `blockedId` and, in the same write, removes follows both ways.
   * Returns false (changing nothing) when the block already existed.
   */
  block(blockerId: UserId, blockedId: UserId): Promise<boolean>;
  /** Removes a block. Returns false when there was none. */
  unblock(blockerId: UserId, blockedId: UserId): Promise<boolean>;
  /** For each of `otherIds`, whether a block stands between it and `userId` in either direction. */
  blockedEither(userId: UserId, otherIds: readonly UserId[]): Promise<boolean[]>;
  /**
   * Every user a block stands between and `userId`, either way, ascending by id. Optional: home reads then fetch a
   * reader's blocks once, alongside the followees, instead of checking each page's authors with `blockedEither`.
   */
  blockedIds?(userId: UserId): Promise<UserId[]>;
}
