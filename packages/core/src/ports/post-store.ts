import type { Post, PostRecord } from "../domain/types.js";
import type { PostId, UserId } from "../ids/id.js";

/** A window of ids, newest first: ids strictly below `before` and strictly above `after`. */
export interface IdRange {
  before?: PostId;
  after?: PostId;
  limit: number;
}

/** A live post with, when it is a repost, its original (absent when the original was deleted). */
export interface HydratedPost {
  post: Post;
  original?: Post;
}

/** A like as stored. */
export interface LikeRecord {
  userId: UserId;
  postId: PostId;
  /** Snowflake id of the like action. */
  id: string;
  at: number;
}

/** Posts, reposts, replies and likes: the source of truth for content. */
export interface PostStore {
  /**
   * Stores a post. A repost is unique per (author, original): when the author already has a live repost of the same
   * original, nothing is written and that repost's id is returned with `created: false`.
   */
  insert(post: PostRecord): Promise<{ created: boolean; id: PostId }>;
  /**
   * Stores many posts at once, for seeding: the same as calling {@link insert} for each post in ascending id order
   * (equal ids in the order given), skipping every post `insert` would refuse — an id already stored or earlier in the
   * call, or a second live repost of the same original by the same author. Post counts change with the posts, in the
   * same write. Every record is checked before anything is written: one malformed record (or one the backend cannot
   * store) throws `VALIDATION` and writes nothing. Returns how many posts were stored. Optional: callers fall back to
   * {@link insert}.
   */
  insertMany?(posts: readonly PostRecord[]): Promise<number>;
  /** One post as stored, deleted or not. */
  get(id: PostId): Promise<PostRecord | undefined>;
  /**
   * The live posts among `ids`, each with its original when it is a live repost of a live post, in one call.
   * Deleted or unknown ids are absent from the map.
   */
  hydrate(ids: readonly PostId[]): Promise<Map<PostId, HydratedPost>>;
  /** Marks a post deleted. Returns false when it was already deleted or never existed. */
  delete(id: PostId): Promise<boolean>;
  /** Ids of an author's live posts (including replies and reposts), newest first, within `range`. */
  byAuthor(authorId: UserId, range: IdRange): Promise<PostId[]>;
  /** Ids of the live posts of any of `authorIds`, newest first, within `range`. */
  byAuthors(authorIds: readonly UserId[], range: IdRange): Promise<PostId[]>;
  /** Ids of live reposts of `originalId` whose author is one of `reposterIds`. */
  findReposts(originalId: PostId, reposterIds: readonly UserId[]): Promise<PostId[]>;
  /** Number of live posts by an author. */
  countByAuthor(authorId: UserId): Promise<number>;
  /** Adds a like. Returns false, changing nothing, when this user already likes the post. */
  like(like: LikeRecord): Promise<boolean>;
  /** Removes a like. Returns false when there was none. */
  unlike(userId: UserId, postId: PostId): Promise<boolean>;
  /** The like of `postId` by `userId`, if there is one. */
  getLike(userId: UserId, postId: PostId): Promise<LikeRecord | undefined>;
}
