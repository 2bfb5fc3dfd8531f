import type { PostId, UserId } from "../ids/id.js";

/** What one post's fan-out did; passed to the engine's `onFanout` hook (metrics, demos, load tests). */
export interface FanoutReport {
  postId: PostId;
  authorId: UserId;
  /** `skipped`: the post was deleted (or unknown) before fan-out ran. */
  mode: "push" | "pull" | "skipped";
  /** The author's follower count when fan-out ran (what push-all would have written). */
  followers: number;
  /** Timelines written. */
  deliveries: number;
  /** Followers not pushed to because they have been away. */
  skippedInactive: number;
  /** When the post was made (ms). */
  eventAt: number;
  /** When fan-out finished (ms). */
  finishedAt: number;
}
