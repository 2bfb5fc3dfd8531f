import type { Admin } from "kafkajs";
import type pg from "pg";
import type { OpenStores } from "./open-stores.js";

/** Empties every table of `schema` (but the migration log) and deletes the stores' Redis keys. */
export async function emptyStores(pool: pg.Pool, schema: string, opened: OpenStores): Promise<void> {
  const { rows } = await pool.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
    [schema],
  );
  if (rows.length > 0) await pool.query(`TRUNCATE ${rows.map((r) => `${schema}."${r.tablename}"`).join(", ")}`);
  await opened.deleteRedisKeys();
}

/** Deletes the topics and consumer groups under `prefix` (best effort: a test that failed may have made none). */
export async function kafkaCleanup(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  const { groups } = await admin.listGroups();
  const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (mine.length > 0) await admin.deleteGroups(mine).catch(() => {});
}

/** How many events `bus` has dead-lettered (its dead-letter topic's length), read with `admin`. */
export async function deadLetterCount(admin: Admin, bus: { topics: { deadLetters: string } }): Promise<number> {
  const topics = await admin.listTopics();
  if (!topics.includes(bus.topics.deadLetters)) return 0;
  const offsets = await admin.fetchTopicOffsets(bus.topics.deadLetters);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}
