import type { Id, NotificationRecord, NotificationStore, NotificationType, UserId } from "@feed-engine/core";
import { FeedError } from "@feed-engine/core";
import { guard } from "./errors.js";
import { type PgQueryable, type PreparedStatement, preparedAll, run } from "./pool.js";
import { DEFAULT_SCHEMA, quoteSchema } from "./schema.js";
import { MAX_KEY_BYTES, pgFinite, pgId, pgLimit, pgText } from "./values.js";

/** Options for {@link PostgresNotificationStore}. */
export interface PostgresNotificationStoreOptions {
  /** A `pg.Pool` (or a `pg.Client`): every method is one statement. The caller owns it and ends it. */
  pool: PgQueryable;
  /** Schema migrated with `migrate` (default `"feed_engine"`). */
  schema?: string;
}

const TYPES: ReadonlySet<string> = new Set<NotificationType>(["like", "repost", "follow", "reply", "mention"]);

interface NotificationRow {
  id: string;
  recipient_id: string;
  type: NotificationType;
  actor_id: string;
  post_id: string | null;
  at: string;
  key: string;
}

/** The SQL of one store, built once from the quoted schema name (the only text that is not a `$n` parameter). */
function statements(schema: string) {
  const notifications = `${schema}.notifications`;
  const marks = `${schema}.notification_read_marks`;
  return {
    // Keeps the larger id per (recipient, key): a redelivered older event matches no row and changes nothing.
    upsert: `INSERT INTO ${notifications} AS n (recipient_id, key, id, type, actor_id, post_id, at)
      VALUES ($1, $2, $3::bigint, $4, $5, $6, $7)
      ON CONFLICT (recipient_id, key) DO UPDATE
        SET id = excluded.id, type = excluded.type, actor_id = excluded.actor_id, post_id = excluded.post_id,
            at = excluded.at
        WHERE excluded.id > n.id`,
    remove: `DELETE FROM ${notifications} WHERE recipient_id = $1 AND key = $2`,
    // Keyset page over notifications_newest (recipient_id, id DESC, key).
    // Sorting names n.id, the bigint column: a bare "id" would be the text output column, in string order.
    list: `SELECT n.id::text AS id, recipient_id::text AS recipient_id, type, actor_id::text AS actor_id,
        post_id::text AS post_id, at::text AS at, key
      FROM ${notifications} n
      WHERE recipient_id = $1 AND ($2::bigint IS NULL OR n.id < $2::bigint)
      ORDER BY n.id DESC, key LIMIT $3`,
    markRead: `INSERT INTO ${marks} AS m (recipient_id, id) VALUES ($1, $2::bigint)
      ON CONFLICT (recipient_id) DO UPDATE SET id = excluded.id WHERE excluded.id > m.id`,
    readMark: `SELECT id::text AS id FROM ${marks} WHERE recipient_id = $1`,
  };
}

/**
 * {@link NotificationStore} on PostgreSQL: one row per (recipient, key) in `notifications`, listed newest first by
 * `(recipient_id, id DESC)`, and one read mark per recipient. Ids are `bigint`, like every id in the schema.
 */
export class PostgresNotificationStore implements NotificationStore {
  readonly #pool: PgQueryable;
  readonly #sql: Record<keyof ReturnType<typeof statements>, PreparedStatement>;

  constructor(options: PostgresNotificationStoreOptions) {
    this.#pool = options.pool;
    this.#sql = preparedAll(statements(quoteSchema(options.schema ?? DEFAULT_SCHEMA, "PostgresNotificationStore")));
  }

  /** Stores the notification unless one with the same key and an id at least as large is there. */
  async upsert(notification: NotificationRecord): Promise<boolean> {
    const where = "PostgresNotificationStore.upsert";
    const n = notification;
    if (!TYPES.has(n.type)) {
      throw new FeedError("VALIDATION", `${where}: notification.type must be one of ${[...TYPES].join(", ")}`, {
        field: "notification.type",
      });
    }
    const params = [
      pgId(n.recipientId, where, "notification.recipientId"),
      pgText(n.key, where, "notification.key", MAX_KEY_BYTES),
      pgId(n.id, where, "notification.id"),
      n.type,
      pgId(n.actorId, where, "notification.actorId"),
      n.postId === undefined ? null : pgId(n.postId, where, "notification.postId"),
      pgFinite(n.at, where, "notification.at"),
    ];
    const { rowCount } = await guard(where, () => run(this.#pool, this.#sql.upsert, params));
    return rowCount === 1;
  }

  /** Removes the notification with this key; false when there was none. */
  async remove(recipientId: UserId, key: string): Promise<boolean> {
    const where = "PostgresNotificationStore.remove";
    const params = [pgId(recipientId, where, "recipientId"), pgText(key, where, "key", MAX_KEY_BYTES)];
    const { rowCount } = await guard(where, () => run(this.#pool, this.#sql.remove, params));
    return rowCount === 1;
  }

  /** Notifications with ids below `before` (exclusive), newest first, at most `limit`. */
  async list(recipientId: UserId, range: { before?: Id; limit: number }): Promise<NotificationRecord[]> {
    const where = "PostgresNotificationStore.list";
    const recipient = pgId(recipientId, where, "recipientId");
    const before = range.before === undefined ? null : pgId(range.before, where, "range.before");
    const limit = pgLimit(range.limit);
    if (limit === 0) return [];
    const { rows } = await guard(where, () =>
      run<NotificationRow>(this.#pool, this.#sql.list, [recipient, before, limit]),
    );
    return rows.map(toRecord);
  }

  /** Raises the recipient's read mark to `id`; a lower id changes nothing. */
  async markRead(recipientId: UserId, id: Id): Promise<void> {
    const where = "PostgresNotificationStore.markRead";
    const params = [pgId(recipientId, where, "recipientId"), pgId(id, where, "id")];
    await guard(where, () => run(this.#pool, this.#sql.markRead, params));
  }

  /** The highest id marked read, if any. */
  async readMark(recipientId: UserId): Promise<Id | undefined> {
    const where = "PostgresNotificationStore.readMark";
    const recipient = pgId(recipientId, where, "recipientId");
    const { rows } = await guard(where, () => run<{ id: string }>(this.#pool, this.#sql.readMark, [recipient]));
    return rows[0]?.id;
  }
}

function toRecord(row: NotificationRow): NotificationRecord {
  const record: NotificationRecord = {
    id: row.id,
    recipientId: row.recipient_id,
    type: row.type,
    actorId: row.actor_id,
    at: Number(row.at),
    key: row.key,
  };
  if (row.post_id !== null) record.postId = row.post_id;
  return record;
}
