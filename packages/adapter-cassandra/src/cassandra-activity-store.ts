import type { ActivityStore, UserId } from "@feed-engine/core";
import { type CassandraStoreOptions, CqlSession } from "./cql-session.js";
import { guard } from "./errors.js";
import { cqlId, cqlList, distinctIds, invalid, millisOf } from "./values.js";

/** Options for {@link CassandraActivityStore}. */
export type CassandraActivityStoreOptions = CassandraStoreOptions;

/** 2^62 µs: write timestamps of last-seen cells start here, above every real clock reading, like the other registers. */
const REGISTER_BASE = 1n << 62n;

/** Checks a last-seen time: an integer number of ms from 0 to 2^53 - 1 (it becomes part of a write timestamp). */
function checkTime(at: unknown, where: string): number {
  if (typeof at !== "number" || !Number.isSafeInteger(at) || at < 0) {
    throw invalid(where, "at", `must be an integer number of milliseconds >= 0 (got ${String(at)})`);
  }
  return at;
}

/**
 * {@link ActivityStore} on Cassandra: `user_activity (user_id) -> last_seen`, one partition per user. Each touch is a
 * blind max-register write, `USING TIMESTAMP 2^62 + at`: Cassandra keeps the cell with the larger write timestamp, so
 * an older time written later never replaces a newer one, with no read and no lightweight transaction. `touchMany`
 * and `lastSeen` are parallel single-partition statements, at most `concurrency` in flight.
 */
export class CassandraActivityStore implements ActivityStore {
  readonly #s: CqlSession;
  readonly #touch: string;
  readonly #get: string;

  constructor(options: CassandraActivityStoreOptions) {
    this.#s = new CqlSession(options, "CassandraActivityStore");
    const table = this.#s.table("user_activity");
    this.#touch = `INSERT INTO ${table} (user_id, last_seen) VALUES (?, ?) USING TIMESTAMP ?`;
    this.#get = `SELECT last_seen FROM ${table} WHERE user_id = ?`;
  }

  /** Records that the user was seen at `at` (ms); an earlier time than the one stored changes nothing. */
  async touch(userId: UserId, at: number): Promise<void> {
    const where = "CassandraActivityStore.touch";
    const id = cqlId(userId, where, "userId");
    const time = checkTime(at, where);
    await guard(where, () => this.#write(id, time));
  }

  /** Records many sightings at once (the latest time of each user is kept), as parallel single-partition writes. */
  async touchMany(entries: ReadonlyArray<readonly [UserId, number]>): Promise<void> {
    const where = "CassandraActivityStore.touchMany";
    const latest = new Map<string, number>();
    cqlList(entries, where, "entries").forEach((entry, i) => {
      if (!Array.isArray(entry)) throw invalid(where, `entries[${i}]`, "must be [userId, at]");
      const id = cqlId(entry[0], where, `entries[${i}][0]`);
      const time = checkTime(entry[1], where);
      if ((latest.get(id) ?? -1) < time) latest.set(id, time);
    });
    await this.#s.each(where, [...latest], ([id, time]) => this.#write(id, time));
  }

  /** Last-seen times in the order asked; `undefined` for users never seen. */
  async lastSeen(userIds: readonly UserId[]): Promise<(number | undefined)[]> {
    const where = "CassandraActivityStore.lastSeen";
    const ids = distinctIds(userIds, where, "userIds");
    const found = await this.#s.each(where, ids, async (id) => {
      const row = await this.#s.first(this.#get, [id]);
      return row?.last_seen === null || row?.last_seen === undefined ? undefined : millisOf(row.last_seen);
    });
    const byId = new Map(ids.map((id, i) => [id, found[i]]));
    return userIds.map((id) => byId.get(id));
  }

  async #write(id: string, at: number): Promise<void> {
    const timestamp = (REGISTER_BASE + BigInt(at)).toString();
    await this.#s.rows(this.#touch, [id, String(at), timestamp]);
  }
}
