import type { NotificationRecord } from "../domain/types.js";
import { compareIds, type Id, type UserId } from "../ids/id.js";
import type { NotificationStore } from "../ports/notification-store.js";
import { partitionPoint } from "./partition-point.js";

/** One recipient's notifications: newest first, and by key. */
interface Inbox {
  /** Newest first by id; ties (one id, several keys) by key, so the order is total. */
  records: NotificationRecord[];
  byKey: Map<string, NotificationRecord>;
}

/** Newest first by id, then by key: a negative result puts `a` before `b`. */
function newestFirst(a: NotificationRecord, b: NotificationRecord): number {
  return compareIds(b.id, a.id) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Raw notifications in process memory: the embedded default and the reference for the other adapters.
 *
 * Per recipient, one newest-first array and a map from key to record. Records are copied on the way in and out, so
 * callers never share an object with the store.
 */
export class MemoryNotificationStore implements NotificationStore {
  readonly #inboxes = new Map<UserId, Inbox>();
  readonly #readMarks = new Map<UserId, Id>();

  /**
   * Stores the notification unless one with the same key and an id at least as large is there; a larger id replaces
   * the older record (and moves it to its place). Returns true when something changed.
   */
  async upsert(notification: NotificationRecord): Promise<boolean> {
    let inbox = this.#inboxes.get(notification.recipientId);
    if (inbox === undefined) {
      inbox = { records: [], byKey: new Map() };
      this.#inboxes.set(notification.recipientId, inbox);
    }
    const old = inbox.byKey.get(notification.key);
    if (old !== undefined) {
      if (compareIds(notification.id, old.id) <= 0) return false;
      inbox.records.splice(indexOf(inbox.records, old), 1);
    }
    const record = { ...notification };
    inbox.records.splice(insertionPoint(inbox.records, record), 0, record);
    inbox.byKey.set(record.key, record);
    return true;
  }

  /** Removes the notification with this key. Returns false when there was none. */
  async remove(recipientId: UserId, key: string): Promise<boolean> {
    const inbox = this.#inboxes.get(recipientId);
    const record = inbox?.byKey.get(key);
    if (inbox === undefined || record === undefined) return false;
    inbox.records.splice(indexOf(inbox.records, record), 1);
    inbox.byKey.delete(key);
    if (inbox.byKey.size === 0) this.#inboxes.delete(recipientId);
    return true;
  }

  /** Notifications with ids below `before` (exclusive), newest first, at most `limit`. */
  async list(recipientId: UserId, range: { before?: Id; limit: number }): Promise<NotificationRecord[]> {
    const records = this.#inboxes.get(recipientId)?.records;
    if (records === undefined) return [];
    const start = range.before === undefined ? 0 : firstBelow(records, range.before);
    const limit = Math.max(0, Math.floor(range.limit));
    return records.slice(start, start + limit).map((record) => ({ ...record }));
  }

  /** Raises the recipient's read mark to `id`; a lower id changes nothing. */
  async markRead(recipientId: UserId, id: Id): Promise<void> {
    const mark = this.#readMarks.get(recipientId);
    if (mark === undefined || compareIds(id, mark) > 0) this.#readMarks.set(recipientId, id);
  }

  /** The highest id marked read, if any. */
  async readMark(recipientId: UserId): Promise<Id | undefined> {
    return this.#readMarks.get(recipientId);
  }
}

/** Where `record` goes in newest-first `records` (binary search). */
function insertionPoint(records: readonly NotificationRecord[], record: NotificationRecord): number {
  return partitionPoint(records, (r) => newestFirst(r, record) < 0);
}

/** The index of a record that is in `records`. */
function indexOf(records: readonly NotificationRecord[], record: NotificationRecord): number {
  const at = insertionPoint(records, record);
  return records[at] === record ? at : records.indexOf(record);
}

/** The index of the first record strictly below `before`. */
function firstBelow(records: readonly NotificationRecord[], before: Id): number {
  return partitionPoint(records, (r) => compareIds(r.id, before) >= 0);
}
