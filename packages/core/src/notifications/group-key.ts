import type { NotificationRecord } from "../domain/types.js";

/**
 * The group a raw notification belongs to. Likes and reposts of one post, and follows, share a group per fixed time
 * window (`floor(at / windowMs)`); replies and mentions are never grouped. Fixed windows make a group independent of
 * the order in which at-least-once events arrive.
 */
export function groupKey(n: NotificationRecord, windowMs: number): string {
  switch (n.type) {
    case "like":
    case "repost":
      return `${n.type}:${n.postId}:${Math.floor(n.at / windowMs)}`;
    case "follow":
      return `follow:${Math.floor(n.at / windowMs)}`;
    default:
      return n.key;
  }
}
