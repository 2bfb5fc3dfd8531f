import type { PostId, UserId } from "../ids/id.js";

/** Everything a home read needs to know about its reader before it merges, read in one round trip. */
export interface HomeContext {
  /** Every account the reader follows, in any order: as `GraphStore.followeeIds`. */
  followees: UserId[];
  /** The pulled authors among `followees`, in any order: as `UserStore.pulledAmong(followees)`. */
  pulled: UserId[];
  /** Everyone a block stands between and the reader, either way, in any order: as `GraphStore.blockedIds`. */
  blocked: UserId[];
  /**
   * The newest live posts of the reader and of the `pulled` authors, newest first, below the page's `before` and at
   * most its `limit`: as `PostStore.byAuthors([reader, ...pulled], page)`.
   */
  recent: PostId[];
}

/**
 * Optional: a home read's context in one round trip instead of four (reader, followees, blocks, pulled authors and
 * their recent posts). A store that keeps users, follows, blocks and posts in one database implements it; it must
 * read the same data as the deployment's `users`, `graph` and `posts` stores, as one consistent snapshot. Without
 * one, the engine asks those stores separately.
 */
export interface HomeContextStore {
  /** The reader's context for one page (`before` exclusive, `limit` >= 1), or undefined when the reader does not exist. */
  homeContext(readerId: UserId, page: { before?: PostId; limit: number }): Promise<HomeContext | undefined>;
}
