import {
  compareIds,
  FeedError,
  type Id,
  type NotificationRecord,
  type NotificationStore,
  type NotificationType,
  type UserId,
} from "@feed-engine/core";
import type { CassandraRow } from "./client.js";
import { type CassandraStoreOptions, CqlSession } from "./cql-session.js";
import { guard } from "./errors.js";
import { registerTimestamp } from "./register-timestamp.js";
import { cqlId, cqlLimit, cqlText, idOf, invalid, MAX_KEY_BYTES } from "./values.js";

/** Options for {@link CassandraNotificationStore}. */
export type CassandraNotificationStoreOptions = CassandraStoreOptions;

const TYPES: ReadonlySet<string> = new Set<NotificationType>(["like", "repost", "follow", "reply", "mention"]);
/** How often one call retries a compare-and-set that lost to a concurrent writer of the same key. */
const ATTEMPTS = 8;

function statements(s: CqlSession) {
  const n = s.table("notifications");
  const k = s.table("notification_keys");
  const marks = s.table("notification_read_marks");
  return {
    claim: `INSERT INTO ${k} (recipient_id, key, id) VALUES (?, ?, ?) IF NOT EXISTS`,
    swap: `UPDATE ${k} SET id = ? WHERE recipient_id = ? AND key = ? IF id = ?`,
    keyOf: `SELECT id FROM ${k} WHERE recipient_id = ? AND key = ?`,
    release: `DELETE FROM ${k} WHERE recipient_id = ? AND key = ? IF id = ?`,
    write: `INSERT INTO ${n} (recipient_id, id, key, type, actor_id, post_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    erase: `DELETE FROM ${n} WHERE recipient_id = ? AND id = ? AND key = ?`,
    one: `SELECT id FROM ${n} WHERE recipient_id = ? AND id = ? AND key = ?`,
    top: `SELECT recipient_id, id, key, type, actor_id, post_id, at FROM ${n} WHERE recipient_id = ? LIMIT ?`,
    below: `SELECT recipient_id, id, key, type, actor_id, post_id, at FROM ${n} WHERE recipient_id = ? AND id < ? LIMIT ?`,
    markRead: `UPDATE ${marks} USING TIMESTAMP ? SET read_mark = ? WHERE recipient_id = ?`,
    readMark: `SELECT read_mark FROM ${marks} WHERE recipient_id = ?`,
  };
}

function toRecord(row: CassandraRow): NotificationRecord {
  const record: NotificationRecord = {
    id: idOf(row.id)!,
    recipientId: idOf(row.recipient_id)!,
    type: row.type as NotificationType,
    actorId: idOf(row.actor_id)!,
    at: row.at as number,
    key: row.key as string,
  };
  const postId = idOf(row.post_id);
  if (postId !== undefined) record.postId = postId;
  return record;
}

function contention(where: string): FeedError {
  return new FeedError("UNAVAILABLE", `cassandra: ${where}: the key kept changing concurrently; retry the call`);
}

/**
 * {@link NotificationStore} on Cassandra: one partition per recipient in `notifications`, clustered by id descending
 * (then key), so a page is one slice read. `notification_keys` maps each key to the id holding it and changes only
 * through lightweight transactions (insert if absent, or compare-and-set to a larger id), so concurrent upserts of one
 * key leave exactly one row; the row move itself is one single-partition batch. The read mark is a max-register cell
 * (written `USING TIMESTAMP` derived from the id): raising it is one blind write, and it never goes down.
 */
export class CassandraNotificationStore implements NotificationStore {
  readonly #s: CqlSession;
  readonly #cql: ReturnType<typeof statements>;

  constructor(options: CassandraNotificationStoreOptions) {
    this.#s = new CqlSession(options, "CassandraNotificationStore");
    this.#cql = statements(this.#s);
  }

  /**
   * Stores the notification unless its key holds one with an id at least as large; a larger id replaces the older row.
   * Returns true when something changed.
   */
  async upsert(notification: NotificationRecord): Promise<boolean> {
    const where = "CassandraNotificationStore.upsert";
    const n = notification;
    if (!TYPES.has(n.type)) {
      throw invalid(where, "notification.type", `must be one of ${[...TYPES].join(", ")}`);
    }
    if (typeof n.at !== "number" || !Number.isFinite(n.at)) {
      throw invalid(where, "notification.at", `must be a finite number (got ${String(n.at)})`);
    }
    const recipient = cqlId(n.recipientId, where, "notification.recipientId");
    const key = cqlText(n.key, where, "notification.key", MAX_KEY_BYTES);
    const id = cqlId(n.id, where, "notification.id");
    const row = [
      recipient,
      id,
      key,
      n.type,
      cqlId(n.actorId, where, "notification.actorId"),
      n.postId === undefined ? null : cqlId(n.postId, where, "notification.postId"),
      n.at,
    ];
    return guard(where, async () => {
      let claim = await this.#s.applied(this.#cql.claim, [recipient, key, id]);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (claim.applied) {
          await this.#s.rows(this.#cql.write, row);
          return true;
        }
        const holder = idOf(claim.row?.id);
        if (holder === undefined) {
          claim = await this.#s.applied(this.#cql.claim, [recipient, key, id]);
          continue;
        }
        const order = compareIds(id, holder);
        if (order < 0) return false;
        if (order === 0) {
          // A redelivered write: put the row back if an earlier attempt claimed the key but failed to write it.
          if ((await this.#s.rows(this.#cql.one, [recipient, id, key])).length > 0) return false;
          await this.#s.rows(this.#cql.write, row);
          return true;
        }
        const swapped = await this.#s.applied(this.#cql.swap, [id, recipient, key, holder]);
        if (swapped.applied || (swapped.uncertain && idOf(swapped.row?.id) === id)) {
          await this.#s.batch([
            { query: this.#cql.erase, params: [recipient, holder, key] },
            { query: this.#cql.write, params: row },
          ]);
          return true;
        }
        claim = swapped;
      }
      throw contention(where);
    });
  }

  /** Removes the notification with this key. Returns false when there was none. */
  async remove(recipientId: UserId, key: string): Promise<boolean> {
    const where = "CassandraNotificationStore.remove";
    const recipient = cqlId(recipientId, where, "recipientId");
    const k = cqlText(key, where, "key", MAX_KEY_BYTES);
    return guard(where, async () => {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const holder = idOf((await this.#s.first(this.#cql.keyOf, [recipient, k]))?.id);
        if (holder === undefined) return false;
        const released = await this.#s.applied(this.#cql.release, [recipient, k, holder]);
        if (released.applied || (released.uncertain && idOf(released.row?.id) === undefined)) {
          await this.#s.rows(this.#cql.erase, [recipient, holder, k]);
          return true;
        }
      }
      throw contention(where);
    });
  }

  /** Notifications with ids below `before` (exclusive), newest first, at most `limit`: one slice of one partition. */
  async list(recipientId: UserId, range: { before?: Id; limit: number }): Promise<NotificationRecord[]> {
    const where = "CassandraNotificationStore.list";
    const recipient = cqlId(recipientId, where, "recipientId");
    const before = range.before === undefined ? undefined : cqlId(range.before, where, "range.before");
    const limit = cqlLimit(range.limit);
    if (limit === 0 || before === "0") return [];
    const rows = await guard(where, () =>
      before === undefined
        ? this.#s.rows(this.#cql.top, [recipient, limit])
        : this.#s.rows(this.#cql.below, [recipient, before, limit]),
    );
    return rows.map(toRecord);
  }

  /** Raises the read mark to `id` (a lower id changes nothing): one blind max-register write. */
  async markRead(recipientId: UserId, id: Id): Promise<void> {
    const where = "CassandraNotificationStore.markRead";
    const recipient = cqlId(recipientId, where, "recipientId");
    const mark = cqlId(id, where, "id");
    await guard(where, () => this.#s.rows(this.#cql.markRead, [registerTimestamp(mark), mark, recipient]));
  }

  /** The highest id marked read, if any. */
  async readMark(recipientId: UserId): Promise<Id | undefined> {
    const where = "CassandraNotificationStore.readMark";
    const recipient = cqlId(recipientId, where, "recipientId");
    const row = await guard(where, () => this.#s.first(this.#cql.readMark, [recipient]));
    return idOf(row?.read_mark);
  }
}
