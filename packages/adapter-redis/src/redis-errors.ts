import { FeedError } from "@feed-engine/core";

/** Failure codes the Lua scripts return (negative integers, so they never collide with counts). */
export const SCRIPT_CODES = {
  /** A key in the store's namespace holds a value that is not a timeline. */
  NOT_A_TIMELINE: -1,
} as const;

/**
 * Maps anything that failed in Redis to a {@link FeedError}: a script's failure code, or a driver or server error.
 * `where` names the adapter and the call ("RedisTimelineStore.push") and prefixes the message.
 */
export function toFeedError(failure: unknown, where: string): FeedError {
  if (failure instanceof FeedError) return failure;
  if (failure === SCRIPT_CODES.NOT_A_TIMELINE) {
    return new FeedError(
      "CONFLICT",
      `${where}: a key of this store holds a value that is not a timeline; drop() that user's timeline or use a prefix of its own`,
    );
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  if (message.startsWith("WRONGTYPE")) {
    return new FeedError("CONFLICT", `${where}: a key of this store holds another Redis type (${message})`, {
      cause: failure,
    });
  }
  return new FeedError("UNAVAILABLE", `${where}: Redis failed (${message}); the call may be retried`, {
    cause: failure,
  });
}
