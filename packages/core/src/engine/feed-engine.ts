import type { Clock } from "../clock/clock.js";
import type { NotificationPage, PageOptions, Post, TimelinePage, User, UserIdPage } from "../domain/types.js";
import type { FanoutPolicy } from "../fanout/fanout-policy.js";
import type { PostId, UserId } from "../ids/id.js";
import type { EventBus } from "../ports/event-bus.js";
import type { FeedStores } from "./options.js";

/** Input for {@link FeedEngine.registerUser}. */
export interface RegisterInput {
  /** 1-30 of `[A-Za-z0-9_]`, unique without regard to case. */
  handle: string;
  /** Up to 50 code points; default the handle. */
  displayName?: string;
}

/** Input for {@link FeedEngine.post}. */
export interface PostInput {
  /** 1-280 Unicode code points after trimming. `@handle` mentions are resolved to users. */
  text: string;
  /** Makes the post a reply to this post (a repost given here means its original). */
  replyTo?: PostId;
  /** Up to 4 https URLs. */
  media?: readonly string[];
}

/** A user for bulk import: ids chosen by the caller (e.g. from another system). */
export interface ImportUser {
  id: UserId;
  handle: string;
  displayName?: string;
  createdAt?: number;
}

/** What a bulk import did. */
export interface ImportResult {
  imported: number;
  /** Already present (idempotent re-runs). */
  existing: number;
  /** Rejected rows (self-follows, unknown users, malformed ids), counted rather than fatal. */
  rejected: number;
}

/**
 * The feed engine: every call validates its input first and changes nothing when it throws a {@link FeedError}.
 * Writes go to the source of truth and return; fan-out and notifications follow on the event bus.
 */
export interface FeedEngine {
  readonly clock: Clock;
  readonly policy: FanoutPolicy;
  readonly stores: FeedStores;
  readonly bus: EventBus;

  /** Registers an account. `CONFLICT` when the handle is taken (case-insensitive). */
  registerUser(input: RegisterInput): Promise<User>;
  /** A user with counters. `NOT_FOUND` when unknown. */
  getUser(id: UserId): Promise<User>;
  /** A user by handle (case-insensitive). `NOT_FOUND` when unknown. */
  getUserByHandle(handle: string): Promise<User>;

  /** Publishes a post or reply. */
  post(authorId: UserId, input: PostInput): Promise<Post>;
  /** Reposts a post (its original, when given a repost). Reposting the same original again returns the first repost. */
  repost(userId: UserId, postId: PostId): Promise<Post>;
  /** Deletes a post; only its author may. Reads stop showing it at once. */
  deletePost(userId: UserId, postId: PostId): Promise<void>;
  /** A live post. With `viewerId`, `FORBIDDEN` across a block. */
  getPost(postId: PostId, viewerId?: UserId): Promise<Post>;
  /** Likes a post. Returns false when it was already liked (nothing changes). */
  like(userId: UserId, postId: PostId): Promise<boolean>;
  /** Takes a like back. Returns false when there was none. */
  unlike(userId: UserId, postId: PostId): Promise<boolean>;

  /** Follows a user. Returns false when already following. Self-follows are `VALIDATION`, blocks `FORBIDDEN`. */
  follow(followerId: UserId, followeeId: UserId): Promise<boolean>;
  /** Unfollows. Returns false when not following. Their posts leave the timeline at once. */
  unfollow(followerId: UserId, followeeId: UserId): Promise<boolean>;
  /** Blocks a user: follows both ways end, and each side stops seeing the other's posts and notifications. */
  block(blockerId: UserId, blockedId: UserId): Promise<boolean>;
  /** Lifts a block (follows are not restored). */
  unblock(blockerId: UserId, blockedId: UserId): Promise<boolean>;
  /** A page of a user's followers, by id; `limit` 1-1,000 (default 100). */
  followers(userId: UserId, options?: PageOptions): Promise<UserIdPage>;
  /** A page of the accounts a user follows, by id; `limit` 1-1,000 (default 100). */
  following(userId: UserId, options?: PageOptions): Promise<UserIdPage>;

  /**
   * The home timeline: posts by the accounts the reader follows and the reader's own, newest first, without deleted
   * posts or anything across a block. Consecutive pages never repeat or skip an entry.
   */
  homeTimeline(userId: UserId, options?: PageOptions): Promise<TimelinePage>;
  /** An author's posts, replies and reposts, newest first. With `viewerId`, `FORBIDDEN` across a block. */
  userTimeline(authorId: UserId, options?: PageOptions & { viewerId?: UserId }): Promise<TimelinePage>;
  /** Rebuilds a user's materialized timeline from the source of truth. */
  rebuildTimeline(userId: UserId): Promise<void>;

  /** Grouped notifications, newest first, with the unread count. */
  notifications(userId: UserId, options?: PageOptions): Promise<NotificationPage>;
  /** Marks notifications read up to a group's `latestId` (default: everything so far). */
  markNotificationsRead(userId: UserId, options?: { upTo?: string }): Promise<void>;

  /** Imports users with caller-chosen ids, without events; for seeding. Validates every row. */
  importUsers(users: Iterable<ImportUser>): Promise<ImportResult>;
  /** Imports follow edges without events or backfill; for seeding before any posts exist. */
  importFollows(edges: Iterable<readonly [UserId, UserId]>): Promise<ImportResult>;

  /**
   * Waits until every event published so far has been handled: an in-process bus runs the pending handlers; a bus
   * with workers elsewhere (Kafka) waits for their consumer groups. `UNAVAILABLE` when the bus cannot tell.
   */
  drain(): Promise<void>;
  /** Resolves once the workers this engine runs (if any) are subscribed to the bus; rejects if subscribing failed. */
  ready(): Promise<void>;
  /** Stops the engine's subscriptions and closes what it created. Idempotent. */
  close(): Promise<void>;
}
