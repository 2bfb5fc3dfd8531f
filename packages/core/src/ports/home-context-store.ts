import type { PostId, UserId } from "../ids/id.js";
import type { HydratedPost } from "./post-store.js";

/** The page a home read asks its context for. */
export interface HomeContextPage {
  /** Exclusive upper bound of the page's ids; none for the newest page. */
  before?: PostId;
  /** How many candidates the page starts with (>= 1): the bound of `recent` and of what is hydrated. */
  limit: number;
  /**
   * The reader's materialized timeline entries for this page, when the read already has them: newest first, all
   * above `floor`. The store then also hydrates the page's first candidates (`HomeContext.hydrated`).
   */
  timeline?: { ids: readonly PostId[]; floor: PostId };
}

/** Everything a home read needs to know about its reader before it merges, read in one round trip. */
export interface HomeContext {
  /**
   * Every account the reader follows, in any order: as `GraphStore.followeeIds`. A store may hand the same array to
   * several reads while the list is unchanged (a cache); nobody changes it.
   */
  followees: readonly UserId[];
  /**
   * The pulled authors among `followees`, in any order: as `UserStore.pulledAmong(followees)`. Shared like
   * `followees`: a store may hand the same array to several reads; nobody changes it.
   */
  pulled: readonly UserId[];
  /** Everyone a block stands between and the reader, either way, in any order: as `GraphStore.blockedIds`. */
  blocked: UserId[];
  /**
   * The newest live posts of the reader and of the `pulled` authors, newest first, below the page's `before` and at
   * most its `limit`: as `PostStore.byAuthors([reader, ...pulled], page)`.
   */
  recent: PostId[];
  /**
   * Only when the page gave `timeline`: the page's first candidates, hydrated, as
   * `PostStore.hydrate(firstCandidates(page.timeline, recent, page.limit))` (deleted and unknown ids are absent).
   */
  hydrated?: Map<PostId, HydratedPost>;
}

/**
 * Optional: a home read's context in one round trip instead of four (reader, followees, blocks, pulled authors and
 * their recent posts), and, given the reader's timeline entries, the page's hydration with it. A store that keeps
 * users, follows, blocks and posts in one database implements it; it must read the same data as the deployment's
 * `users`, `graph` and `posts` stores, as one consistent snapshot. Without one, the engine asks those stores
 * separately.
 */
export interface HomeContextStore {
  /** The reader's context for one page, or undefined when the reader does not exist. */
  homeContext(readerId: UserId, page: HomeContextPage): Promise<HomeContext | undefined>;
}
