import type { Id, PostId, UserId } from "../ids/id.js";

/** A registered account, with its counters. */
export interface User {
  id: UserId;
  /** 1-30 characters of `[A-Za-z0-9_]`, unique without regard to case; shown as registered. */
  handle: string;
  displayName: string;
  /** Milliseconds since the Unix epoch. */
  createdAt: number;
  followers: number;
  following: number;
  /** Live posts, replies and reposts by this user. */
  posts: number;
}

/** A reference to another post and its author. */
export interface PostRef {
  postId: PostId;
  authorId: UserId;
}

/** A post as stored: text, reply or repost, with the ids it mentions. */
export interface PostRecord {
  /** A Snowflake id: creation order is id order. */
  id: PostId;
  authorId: UserId;
  /** Trimmed text; empty for a repost. */
  text: string;
  /** Milliseconds since the Unix epoch (the time in the Snowflake id). */
  createdAt: number;
  /** Set on a reply: the post replied to and its author. */
  replyTo?: PostRef;
  /** Set on a repost: always the original post, never another repost. */
  repostOf?: PostRef;
  /** Users mentioned with `@handle`, resolved when the post was made (unknown handles are dropped). */
  mentions: UserId[];
  /** Up to 4 https URLs, stored as references. */
  media: string[];
  /** Set once the author deleted it; deleted posts are never shown. */
  deleted: boolean;
}

/** A live post as returned to callers. */
export interface Post extends Omit<PostRecord, "deleted"> {
  likeCount: number;
}

/** One entry of a home or user timeline. */
export interface TimelineItem {
  /** The entry's id: the post itself, or the repost that brought `post` here. Cursors follow this id. */
  id: PostId;
  /** What to show: the post, or the original when the entry is a repost. */
  post: Post;
  /** Set when the entry is a repost: who reposted it. */
  repostedBy?: UserId;
}

/** A page of a timeline. */
export interface TimelinePage {
  items: TimelineItem[];
  /** Pass back as `cursor` for the next (older) page; `null` when history ends. */
  nextCursor: string | null;
}

/** Options for reading a timeline page. */
export interface PageOptions {
  /** 1-100; default 20. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** A page of user ids (followers or followees), in id order. */
export interface UserIdPage {
  ids: UserId[];
  nextCursor: string | null;
}

/** The kinds of notification. */
export type NotificationType = "like" | "repost" | "follow" | "reply" | "mention";

/** A raw notification as stored; one per actor and subject. */
export interface NotificationRecord {
  /** A Snowflake id from the action that caused it; order is time order. */
  id: Id;
  recipientId: UserId;
  type: NotificationType;
  actorId: UserId;
  /** like/repost: the recipient's post; reply/mention: the reply or mentioning post. Absent for follow. */
  postId?: PostId;
  /** When the action happened (ms). */
  at: number;
  /** Unique per recipient: the same key is the same notification (idempotent writes). */
  key: string;
}

/** A notification as shown: likes and reposts of one post, and follows, grouped per time window. */
export interface NotificationGroup {
  /** Stable id of the group (e.g. `like:<postId>:<window>`), or of the single notification. */
  id: string;
  type: NotificationType;
  /** The post the group is about, when there is one. */
  postId?: PostId;
  /** The latest distinct actors, newest first, at most 3. */
  actors: UserId[];
  /** How many distinct actors the group has. */
  actorCount: number;
  /** Time (ms) of the newest notification in the group. */
  latestAt: number;
  /** Id of the newest notification in the group; pass it to `markNotificationsRead` as `upTo`. */
  latestId: Id;
  read: boolean;
}

/** A page of grouped notifications. */
export interface NotificationPage {
  items: NotificationGroup[];
  /** Groups with unread notifications, over all of the user's notifications. */
  unreadCount: number;
  nextCursor: string | null;
}
