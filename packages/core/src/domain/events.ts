import type { Id, PostId, UserId } from "../ids/id.js";

interface EventBase {
  /** A Snowflake id made when the action happened; also the id of any notification it causes. */
  id: Id;
  /** When the action happened (ms). */
  at: number;
}

/** A post (or reply, or repost) was created. */
export interface PostCreated extends EventBase {
  type: "post.created";
  postId: PostId;
  authorId: UserId;
}
/** A post was deleted by its author. */
export interface PostDeleted extends EventBase {
  type: "post.deleted";
  postId: PostId;
  authorId: UserId;
}
/** `followerId` started following `followeeId`. */
export interface Followed extends EventBase {
  type: "graph.followed";
  followerId: UserId;
  followeeId: UserId;
}
/** `followerId` stopped following `followeeId`. */
export interface Unfollowed extends EventBase {
  type: "graph.unfollowed";
  followerId: UserId;
  followeeId: UserId;
}
/** `blockerId` blocked `blockedId` (follows both ways were removed in the same write). */
export interface Blocked extends EventBase {
  type: "graph.blocked";
  blockerId: UserId;
  blockedId: UserId;
}
/** `blockerId` unblocked `blockedId`. */
export interface Unblocked extends EventBase {
  type: "graph.unblocked";
  blockerId: UserId;
  blockedId: UserId;
}
/** `userId` liked `postId` (written by `authorId`). */
export interface Liked extends EventBase {
  type: "engagement.liked";
  userId: UserId;
  postId: PostId;
  authorId: UserId;
}
/** `userId` took back a like of `postId`. */
export interface Unliked extends EventBase {
  type: "engagement.unliked";
  userId: UserId;
  postId: PostId;
  authorId: UserId;
}

/** Everything the engine publishes on the event bus. Handlers must be idempotent: delivery is at-least-once. */
export type FeedEvent = PostCreated | PostDeleted | Followed | Unfollowed | Blocked | Unblocked | Liked | Unliked;

/** The bus topic an event belongs to. */
export type FeedTopic = "posts" | "graph" | "engagement";

/** The topic of an event: `posts`, `graph` or `engagement`. */
export function topicOf(event: FeedEvent): FeedTopic {
  switch (event.type) {
    case "post.created":
    case "post.deleted":
      return "posts";
    case "graph.followed":
    case "graph.unfollowed":
    case "graph.blocked":
    case "graph.unblocked":
      return "graph";
    case "engagement.liked":
    case "engagement.unliked":
      return "engagement";
  }
}

/**
 * The partition key of an event. Events with one key are delivered in order:
 * posts by author (a delete never overtakes its create), graph events by the acting user (follow, unfollow and block
 * of one user's timeline apply in order), engagement by post.
 */
export function keyOf(event: FeedEvent): string {
  switch (event.type) {
    case "post.created":
    case "post.deleted":
      return event.authorId;
    case "graph.followed":
    case "graph.unfollowed":
      return event.followerId;
    case "graph.blocked":
    case "graph.unblocked":
      return event.blockerId;
    case "engagement.liked":
    case "engagement.unliked":
      return event.postId;
  }
}
