import type { NotificationRecord } from "../domain/types.js";
import type { Id, UserId } from "../ids/id.js";

/** Raw notifications per recipient, newest first, and how far each recipient has read. */
export interface NotificationStore {
  /**
   * Stores a notification, keyed by (recipient, key). When one with the same key exists the one with the larger id
   * is kept, so a redelivered old event never overwrites a newer one. Returns true when something changed.
   */
  upsert(notification: NotificationRecord): Promise<boolean>;
  /** Removes the notification with this key. Returns false when there was none. */
  remove(recipientId: UserId, key: string): Promise<boolean>;
  /** Notifications with ids below `before` (exclusive), newest first. */
  list(recipientId: UserId, range: { before?: Id; limit: number }): Promise<NotificationRecord[]>;
  /** Raises the read mark to `id` (never lowers it). */
  markRead(recipientId: UserId, id: Id): Promise<void>;
  /** The highest id marked read, if any. */
  readMark(recipientId: UserId): Promise<Id | undefined>;
}
