import type { PostId, UserId } from "../ids/id.js";

/** A slice of a materialized timeline. */
export interface TimelineSlice {
  /** Entry ids, newest first. */
  ids: PostId[];
  /**
   * The timeline holds every entry with an id above `floor` (exclusive); older entries were trimmed or never
   * loaded and are read from the source of truth. `"0"` means it reaches back to the start of history.
   */
  floor: PostId;
}

/** Capabilities an adapter declares; core falls back where one is missing. */
export interface TimelineStoreCapabilities {
  /** Insert, dedupe and trim to the cap happen in one atomic step per timeline. */
  atomicTrim: boolean;
  /** Timelines expire after a time unused; reads then rebuild them. */
  expires: boolean;
  /**
   * The store keeps timelines at all. `false` (a pull-only store) makes every read come straight from the source of
   * truth, with no rebuilds. Default `true`.
   */
  materializes?: boolean;
}

/**
 * Materialized home timelines: per user, the ids of candidate entries (newest first, at most `cap`), plus a floor.
 * A cache over the source of truth: reads filter every entry again, so a stale or extra id is harmless, while a
 * missing one above the floor is a bug.
 *
 * A timeline is absent (never built, expired or dropped), prepared (exists, receives pushes, not yet filled) or
 * complete. Reads treat anything but complete as cold and rebuild it.
 */
export interface TimelineStore {
  /** The most entries one timeline holds. */
  readonly cap: number;
  readonly capabilities: TimelineStoreCapabilities;
  /** Creates an empty, incomplete timeline if the user has none, so pushes land while it is being rebuilt. */
  prepare(userId: UserId): Promise<void>;
  /**
   * Completes a rebuild: adds `ids` (newest first) to what is there, raises the floor to `floor` (never lowers it: a
   * floor raised by trimming while the rebuild ran must stay, or entries trimmed meanwhile would count as held),
   * drops entries at or below it, trims to the cap (raising the floor past what it trims) and marks it complete.
   */
  fill(userId: UserId, ids: readonly PostId[], floor: PostId): Promise<void>;
  /**
   * Adds one entry to each of these timelines that exists (absent ones stay absent and are rebuilt on read).
   * Idempotent. Entries at or below a timeline's floor are not added; a push into a full timeline trims and raises
   * the floor. Returns how many of the timelines hold the entry after the call (a redelivered push counts again).
   */
  push(userIds: readonly UserId[], postId: PostId): Promise<number>;
  /**
   * Adds `ids` to the timeline if it exists, raising its floor to at least `minFloor` (dropping entries at or below
   * it) and trimming to the cap. Used to backfill a new followee's recent posts.
   */
  merge(userId: UserId, ids: readonly PostId[], minFloor: PostId): Promise<void>;
  /** Entries below `before` (exclusive), newest first, at most `limit`; `null` unless the timeline is complete. */
  read(userId: UserId, range: { before?: PostId; limit: number }): Promise<TimelineSlice | null>;
  /** Removes these entries from one timeline. */
  remove(userId: UserId, postIds: readonly PostId[]): Promise<void>;
  /** Removes one entry from many timelines (a deleted post). */
  removeFromMany(userIds: readonly UserId[], postId: PostId): Promise<void>;
  /** Forgets a timeline; the next read rebuilds it. */
  drop(userId: UserId): Promise<void>;
}
