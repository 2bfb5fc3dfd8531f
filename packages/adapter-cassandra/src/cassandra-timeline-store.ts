import {
  compareIds,
  maxId,
  type PostId,
  type TimelineSlice,
  type TimelineStore,
  type TimelineStoreCapabilities,
  type UserId,
} from "@feed-engine/core";
import type { CassandraBatchStatement, CassandraRow } from "./client.js";
import { type CassandraStoreOptions, CqlSession } from "./cql-session.js";
import { guard } from "./errors.js";
import { registerTimestamp } from "./register-timestamp.js";
import { cqlId, cqlIds, cqlLimit, distinctIds, idOf, invalid } from "./values.js";

/** Options for {@link CassandraTimelineStore}. */
export interface CassandraTimelineStoreOptions extends CassandraStoreOptions {
  /** The most entries one timeline holds (an integer >= 1). Default 800. */
  cap?: number;
  /**
   * Trimmed rows are left below the floor (where no read looks) and removed with one range delete once this many have
   * gathered; and about one push in this many recounts its timeline from the rows. Default `max(8, cap / 8)` (100 for
   * the default cap): one range tombstone per ~100 trimmed entries, ~9 rows read per push for recounts.
   */
  purgeAfter?: number;
}

/** Rows per single-partition batch when a rebuild writes many entries (keeps batches far below the size warning). */
const ROWS_PER_BATCH = 100;
/**
 * How many of the oldest entries a trim remembers in `trim_queue`. Finding the oldest entry is a reversed slice, which
 * Cassandra serves by reading the partition's rows and reversing them: one such read serves this many trims.
 */
const QUEUE = 32;

/** What the static columns of a timeline say. */
interface Head {
  complete: boolean | null;
  floor: PostId;
  size: number;
  garbage: number;
  /** The next oldest entries above the floor when it was last written, ascending. */
  queue: PostId[];
}

function headOf(row: CassandraRow | undefined): Head {
  return {
    complete: (row?.complete as boolean | null | undefined) ?? null,
    floor: idOf(row?.floor) ?? "0",
    size: (row?.size as number | null | undefined) ?? 0,
    garbage: (row?.garbage as number | null | undefined) ?? 0,
    queue: Array.isArray(row?.trim_queue) ? row.trim_queue.map((id) => String(id)) : [],
  };
}

const newestFirst = (a: PostId, b: PostId): number => compareIds(b, a);

/**
 * Whether this push recounts its timeline: true for about one (user, post) pair in `every`, decided by a hash
 * (32-bit FNV-1a) so that it needs no shared state and does not depend on which writer gets there first.
 */
function sampled(user: UserId, post: PostId, every: number): boolean {
  let hash = 0x811c9dc5;
  const text = `${user}:${post}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash % every === 0;
}

function statements(s: CqlSession) {
  const t = s.table("timelines");
  return {
    head: `SELECT complete, floor, size, garbage, trim_queue, post_id FROM ${t} WHERE user_id = ? LIMIT 1`,
    whole: `SELECT complete, floor, size, garbage, trim_queue, post_id FROM ${t} WHERE user_id = ?`,
    has: `SELECT complete, floor, size, trim_queue, post_id FROM ${t} WHERE user_id = ? AND post_id = ?`,
    hasAny: `SELECT complete, floor, size, trim_queue, post_id FROM ${t} WHERE user_id = ? AND post_id IN ?`,
    oldestAbove: `SELECT post_id FROM ${t} WHERE user_id = ? AND post_id > ? ORDER BY post_id ASC LIMIT ?`,
    top: `SELECT complete, floor, post_id FROM ${t} WHERE user_id = ? LIMIT ?`,
    below: `SELECT complete, floor, post_id FROM ${t} WHERE user_id = ? AND post_id < ? LIMIT ?`,
    prepare: `UPDATE ${t} SET complete = false, size = 0, garbage = 0 WHERE user_id = ?`,
    add: `INSERT INTO ${t} (user_id, post_id) VALUES (?, ?)`,
    remove: `DELETE FROM ${t} WHERE user_id = ? AND post_id = ?`,
    purge: `DELETE FROM ${t} WHERE user_id = ? AND post_id <= ?`,
    floor: `UPDATE ${t} USING TIMESTAMP ? SET floor = ? WHERE user_id = ?`,
    counts: `UPDATE ${t} SET size = ?, garbage = ? WHERE user_id = ?`,
    size: `UPDATE ${t} SET size = ? WHERE user_id = ?`,
    queue: `UPDATE ${t} SET trim_queue = ? WHERE user_id = ?`,
    complete: `UPDATE ${t} SET complete = true WHERE user_id = ?`,
    drop: `DELETE FROM ${t} WHERE user_id = ?`,
  };
}

/**
 * Materialized home timelines in Cassandra: one partition per user, entries clustered by post id descending, with
 * static columns for the state (absent / prepared / complete), the floor, and two counters kept by the writers.
 *
 * The cap is enforced without drowning reads in tombstones: trimming only raises the floor (a max-register cell
 * written `USING TIMESTAMP` derived from the id, so it never goes down, whoever writes last) to the oldest entry, taken
 * from `trim_queue` (refilled by one ascending slice every {@link QUEUE} trims), and counts the rows left below it;
 * reads stop at the floor, so those rows are never read. Once `purgeAfter` of them have gathered, one range delete
 * (`post_id <= floor`) removes them all: one range tombstone per `purgeAfter` trims, lying below every row a read
 * returns. A push is one read of the partition head plus one single-partition batch, below the cap and at it.
 *
 * Nothing here is a lightweight transaction, so concurrent pushes to one timeline can lose updates of the size hint: a
 * timeline may then hold more (or fewer) entries than the cap. About one push in `purgeAfter` (chosen by a hash of
 * user and post) therefore recounts the timeline from its rows and trims it exactly, which bounds the excess. None of
 * this breaks the port's rule (every entry above the floor is held): the floor only rises, and rows are only deleted
 * at or below it (or as removed entries). `capabilities.atomicTrim` is therefore false.
 */
export class CassandraTimelineStore implements TimelineStore {
  /** The most entries one timeline holds. */
  readonly cap: number;
  /** No step is atomic across statements; timelines never expire (there is no TTL: expiry would write tombstones). */
  readonly capabilities: TimelineStoreCapabilities = { atomicTrim: false, expires: false };
  readonly #s: CqlSession;
  readonly #cql: ReturnType<typeof statements>;
  readonly #purgeAfter: number;

  constructor(options: CassandraTimelineStoreOptions) {
    const where = "CassandraTimelineStore";
    const cap = options.cap ?? 800;
    if (!Number.isInteger(cap) || cap < 1) throw invalid(where, "cap", `must be an integer >= 1 (got ${String(cap)})`);
    const purgeAfter = options.purgeAfter ?? Math.max(8, Math.floor(cap / 8));
    if (!Number.isInteger(purgeAfter) || purgeAfter < 1) {
      throw invalid(where, "purgeAfter", `must be an integer >= 1 (got ${String(purgeAfter)})`);
    }
    this.cap = cap;
    this.#purgeAfter = purgeAfter;
    this.#s = new CqlSession(options, where);
    this.#cql = statements(this.#s);
  }

  /** Creates an empty, incomplete timeline unless the user has one (which stays as it is). */
  async prepare(userId: UserId): Promise<void> {
    const where = "CassandraTimelineStore.prepare";
    const user = cqlId(userId, where, "userId");
    await guard(where, async () => {
      const head = headOf(await this.#s.first(this.#cql.head, [user]));
      // Racing a rebuild that completes meanwhile can only make it prepared again: a cold read, never a wrong one.
      if (head.complete === null) await this.#s.rows(this.#cql.prepare, [user]);
    });
  }

  /**
   * Completes a rebuild: unions `ids` with what is there, raises the floor to `floor` (never lowers it), drops entries
   * at or below it, trims to the cap and marks the timeline complete. Creates the timeline when it is absent.
   */
  async fill(userId: UserId, ids: readonly PostId[], floor: PostId): Promise<void> {
    const where = "CassandraTimelineStore.fill";
    const user = cqlId(userId, where, "userId");
    const added = cqlIds(ids, where, "ids");
    const minFloor = cqlId(floor, where, "floor");
    await guard(where, async () => {
      await this.#rewrite(user, await this.#s.all(this.#cql.whole, [user]), added, minFloor, true);
    });
  }

  /**
   * Adds `postId` to every listed timeline that exists and holds it above its floor; returns how many hold it after
   * the call. Timelines are written in parallel (at most `concurrency` at a time), each with its own statements.
   */
  async push(userIds: readonly UserId[], postId: PostId): Promise<number> {
    const where = "CassandraTimelineStore.push";
    const users = distinctIds(userIds, where, "userIds");
    const post = cqlId(postId, where, "postId");
    const held = await this.#s.each(where, users, (user) => this.#pushOne(user, post));
    return held.filter(Boolean).length;
  }

  /** Adds `ids` to the timeline if it exists, raising its floor to at least `minFloor` and trimming to the cap. */
  async merge(userId: UserId, ids: readonly PostId[], minFloor: PostId): Promise<void> {
    const where = "CassandraTimelineStore.merge";
    const user = cqlId(userId, where, "userId");
    const added = cqlIds(ids, where, "ids");
    const floor = cqlId(minFloor, where, "minFloor");
    await guard(where, async () => {
      const rows = await this.#s.all(this.#cql.whole, [user]);
      if (headOf(rows[0]).complete === null) return;
      await this.#rewrite(user, rows, added, floor, false);
    });
  }

  /**
   * Entries below `before` (exclusive), newest first, at most `limit`, and the floor; `null` unless complete. One
   * single-partition read (the static columns come with the rows); a second one for the state when no row matched.
   */
  async read(userId: UserId, range: { before?: PostId; limit: number }): Promise<TimelineSlice | null> {
    const where = "CassandraTimelineStore.read";
    const user = cqlId(userId, where, "userId");
    const before = range.before === undefined ? undefined : cqlId(range.before, where, "range.before");
    const limit = cqlLimit(range.limit);
    return guard(where, async () => {
      let rows: readonly CassandraRow[] = [];
      if (limit > 0 && before !== "0") {
        rows =
          before === undefined
            ? await this.#s.rows(this.#cql.top, [user, limit])
            : await this.#s.rows(this.#cql.below, [user, before, limit]);
      }
      const head = headOf(rows.length > 0 ? rows[0] : await this.#s.first(this.#cql.head, [user]));
      if (head.complete !== true) return null;
      const ids: PostId[] = [];
      for (const row of rows) {
        const id = idOf(row.post_id);
        // Rows at or below the floor are trimmed entries awaiting their range delete; everything after them is too.
        if (id === undefined || compareIds(id, head.floor) <= 0) break;
        ids.push(id);
      }
      return { ids, floor: head.floor };
    });
  }

  /** Removes these entries from one timeline (one read of the entries, one single-partition batch). */
  async remove(userId: UserId, postIds: readonly PostId[]): Promise<void> {
    const where = "CassandraTimelineStore.remove";
    const user = cqlId(userId, where, "userId");
    const posts = distinctIds(postIds, where, "postIds");
    if (posts.length === 0) return;
    await guard(where, async () => {
      const rows = await this.#s.rows(this.#cql.hasAny, [user, posts]);
      await this.#removeRows(user, rows);
    });
  }

  /** Removes one entry from many timelines: per timeline, a point read and, where the entry is, one batch. */
  async removeFromMany(userIds: readonly UserId[], postId: PostId): Promise<void> {
    const where = "CassandraTimelineStore.removeFromMany";
    const users = distinctIds(userIds, where, "userIds");
    const post = cqlId(postId, where, "postId");
    await this.#s.each(where, users, async (user) => {
      await this.#removeRows(user, await this.#s.rows(this.#cql.has, [user, post]));
    });
  }

  /**
   * Forgets a timeline (one partition tombstone); the next read rebuilds it. The floor cell outlives it by design (its
   * write timestamp is above any delete's), so a rebuilt timeline starts at the old floor or higher: it then claims
   * less, which is always safe, and reads fall back to the source of truth below it.
   */
  async drop(userId: UserId): Promise<void> {
    const where = "CassandraTimelineStore.drop";
    const user = cqlId(userId, where, "userId");
    await guard(where, () => this.#s.rows(this.#cql.drop, [user]));
  }

  /** One timeline of a push: true when it holds `post` afterwards. */
  async #pushOne(user: UserId, post: PostId): Promise<boolean> {
    const top = await this.#s.first(this.#cql.head, [user]);
    const head = headOf(top);
    if (head.complete === null || compareIds(post, head.floor) <= 0) return false;
    const newest = idOf(top?.post_id);
    if (newest === post) return true;
    if (newest !== undefined && compareIds(post, newest) < 0) {
      // Older than the newest entry: it may be there already (a redelivered push).
      if ((await this.#s.rows(this.#cql.has, [user, post])).length > 0) return true;
    }
    if (sampled(user, post, this.#purgeAfter)) {
      // About one push in `purgeAfter` recounts the timeline from its rows: racing writers can lose updates of the
      // size hint, and this bounds how far the timeline can outgrow the cap whatever the hint says.
      const kept = await this.#rewrite(user, await this.#s.all(this.#cql.whole, [user]), [post], head.floor, false);
      return kept.includes(post);
    }
    if (head.size < this.cap) {
      const batch: CassandraBatchStatement[] = [
        { query: this.#cql.add, params: [user, post] },
        { query: this.#cql.size, params: [head.size + 1, user] },
      ];
      const last = head.queue[head.queue.length - 1];
      if (last !== undefined && compareIds(post, last) < 0) {
        // Older than the end of the remembered oldest entries: it belongs among them.
        const queue = [...head.queue, post].sort(compareIds).slice(0, QUEUE);
        batch.push({ query: this.#cql.queue, params: [queue, user] });
      }
      await this.#s.batch(batch);
      return true;
    }
    // Full: the `over` oldest of the entries above the floor and the new one are trimmed; the floor rises to the last.
    const over = head.size + 1 - this.cap;
    let oldest = head.queue.filter((id) => compareIds(id, head.floor) > 0);
    if (oldest.length < over) {
      const rows = await this.#s.rows(this.#cql.oldestAbove, [user, head.floor, over + QUEUE]);
      oldest = rows.map((row) => idOf(row.post_id)!);
    }
    if (oldest.length < over) {
      // The size hint ran ahead of the rows (racing writers): rewrite this timeline from what it really holds.
      const kept = await this.#rewrite(user, await this.#s.all(this.#cql.whole, [user]), [post], head.floor, false);
      return kept.includes(post);
    }
    const pool = [...oldest, post].sort(compareIds);
    const floor = pool[over - 1]!;
    const inserted = compareIds(post, floor) > 0;
    // The rest stays remembered, with the new entry only if it falls inside the known oldest ones.
    const newestKnown = oldest[oldest.length - 1]!;
    const queue = pool.slice(over).filter((id) => id !== post || compareIds(post, newestKnown) < 0);
    const garbage = head.garbage + (inserted ? over : over - 1);
    const batch: CassandraBatchStatement[] = [];
    if (inserted) batch.push({ query: this.#cql.add, params: [user, post] });
    batch.push({ query: this.#cql.floor, params: [registerTimestamp(floor), floor, user] });
    batch.push({ query: this.#cql.queue, params: [queue.slice(0, QUEUE), user] });
    const purge = garbage >= this.#purgeAfter;
    if (purge) batch.push({ query: this.#cql.purge, params: [user, floor] });
    batch.push({ query: this.#cql.counts, params: [this.cap, purge ? 0 : garbage, user] });
    await this.#s.batch(batch);
    return inserted;
  }

  /** Deletes the matched entry rows of one timeline and lowers its size by those above the floor. */
  async #removeRows(user: UserId, rows: readonly CassandraRow[]): Promise<void> {
    if (rows.length === 0) return;
    const head = headOf(rows[0]);
    const ids = rows.map((row) => idOf(row.post_id)!);
    const above = ids.filter((id) => compareIds(id, head.floor) > 0).length;
    const batch: CassandraBatchStatement[] = ids.map((id) => ({ query: this.#cql.remove, params: [user, id] }));
    if (head.complete !== null && above > 0) {
      batch.push({ query: this.#cql.size, params: [Math.max(0, head.size - above), user] });
    }
    const queue = head.queue.filter((id) => !ids.includes(id));
    if (queue.length < head.queue.length) batch.push({ query: this.#cql.queue, params: [queue, user] });
    await this.#s.batch(batch);
  }

  /**
   * Recomputes one timeline exactly from all its rows: the union of the entries above the floor and `added`, the floor
   * raised to `minFloor` and past everything trimmed to the cap. Writes the new entries (in single-partition batches),
   * then in one batch the floor, a range delete of everything at or below it (for a fill whenever there is anything,
   * otherwise once `purgeAfter` rows have gathered), the counters, and, for a fill, `complete`. Returns the entries
   * kept.
   */
  async #rewrite(
    user: UserId,
    rows: readonly CassandraRow[],
    added: readonly PostId[],
    minFloor: PostId,
    complete: boolean,
  ): Promise<PostId[]> {
    const head = headOf(rows[0]);
    let floor = maxId(head.floor, minFloor);
    const present = new Set<PostId>();
    for (const row of rows) {
      const id = idOf(row.post_id);
      if (id !== undefined) present.add(id);
    }
    const above = (id: PostId) => compareIds(id, floor) > 0;
    let kept = [...new Set([...present, ...added])].filter(above).sort(newestFirst);
    if (kept.length > this.cap) {
      floor = kept[this.cap]!;
      kept = kept.slice(0, this.cap);
    }
    const fresh = kept.filter((id) => !present.has(id));
    for (let i = 0; i < fresh.length; i += ROWS_PER_BATCH) {
      await this.#s.batch(
        fresh.slice(i, i + ROWS_PER_BATCH).map((id) => ({ query: this.#cql.add, params: [user, id] })),
      );
    }
    const batch: CassandraBatchStatement[] = [];
    if (floor !== head.floor) batch.push({ query: this.#cql.floor, params: [registerTimestamp(floor), floor, user] });
    // A rebuild cleans up everything below the floor; a merge or recount only once enough has gathered.
    const garbage = [...present].filter((id) => !above(id)).length;
    const purge = garbage > 0 && (complete || garbage >= this.#purgeAfter);
    if (purge) batch.push({ query: this.#cql.purge, params: [user, floor] });
    batch.push({ query: this.#cql.counts, params: [kept.length, purge ? 0 : garbage, user] });
    batch.push({ query: this.#cql.queue, params: [kept.slice(-QUEUE).reverse(), user] });
    if (complete) batch.push({ query: this.#cql.complete, params: [user] });
    await this.#s.batch(batch);
    return kept;
  }
}
