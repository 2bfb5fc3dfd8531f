import type { PostId, UserId } from "../ids/id.js";
import type { TimelineSlice, TimelineStore, TimelineStoreCapabilities } from "../ports/timeline-store.js";

/**
 * A timeline store that keeps nothing: every home timeline read is one merge over the followees' posts in the source
 * of truth. For small sites on PostgreSQL alone (the "simple pull" row of the design: fewer than ~10k users), with
 * the `pullAll()` policy so fan-out does no work either.
 */
export class PullOnlyTimelineStore implements TimelineStore {
  readonly cap = 0;
  readonly capabilities: TimelineStoreCapabilities = { atomicTrim: true, expires: false, materializes: false };

  async prepare(_userId: UserId): Promise<void> {}
  async fill(_userId: UserId, _ids: readonly PostId[], _floor: PostId): Promise<void> {}
  async push(_userIds: readonly UserId[], _postId: PostId): Promise<number> {
    return 0;
  }
  async merge(_userId: UserId, _ids: readonly PostId[], _minFloor: PostId): Promise<void> {}
  async read(_userId: UserId, _range: { before?: PostId; limit: number }): Promise<TimelineSlice | null> {
    return null;
  }
  async remove(_userId: UserId, _postIds: readonly PostId[]): Promise<void> {}
  async removeFromMany(_userIds: readonly UserId[], _postId: PostId): Promise<void> {}
  async drop(_userId: UserId): Promise<void> {}
}
