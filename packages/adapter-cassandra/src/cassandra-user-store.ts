import { isDeepStrictEqual } from "node:util";
import type { UserId, UserRecord, UserStore } from "@feed-engine/core";
import type { CassandraRow } from "./client.js";
import { conflictGroups } from "./conflict-groups.js";
import { type CassandraStoreOptions, CqlSession } from "./cql-session.js";
import { guard } from "./errors.js";
import {
  cqlId,
  cqlList,
  cqlMillis,
  cqlText,
  distinctIds,
  idOf,
  MAX_KEY_BYTES,
  MAX_TEXT_BYTES,
  millisOf,
} from "./values.js";

/** Options for {@link CassandraUserStore}. */
export type CassandraUserStoreOptions = CassandraStoreOptions;

/** Folds A-Z only, as `MemoryUserStore` and the PostgreSQL adapter do. */
function foldHandle(handle: string): string {
  return handle.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function statements(s: CqlSession) {
  const users = s.table("users");
  const handles = s.table("user_handles");
  const pulled = s.table("pulled_authors");
  return {
    claim: `INSERT INTO ${handles} (handle_key, user_id) VALUES (?, ?) IF NOT EXISTS`,
    release: `DELETE FROM ${handles} WHERE handle_key = ? IF user_id = ?`,
    insert: `INSERT INTO ${users} (id, handle, display_name, created_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
    get: `SELECT id, handle, display_name, created_at FROM ${users} WHERE id = ?`,
    byHandle: `SELECT user_id FROM ${handles} WHERE handle_key = ?`,
    markPulled: `INSERT INTO ${pulled} (user_id) VALUES (?)`,
    pulled: `SELECT user_id FROM ${pulled} WHERE user_id = ?`,
  };
}

/** Checks every field of a user before anything is written, and copies it. */
function checkUser(user: UserRecord, where: string): UserRecord {
  return {
    id: cqlId(user.id, where, "user.id"),
    handle: cqlText(user.handle, where, "user.handle", MAX_KEY_BYTES),
    displayName: cqlText(user.displayName, where, "user.displayName", MAX_TEXT_BYTES),
    createdAt: cqlMillis(user.createdAt, where, "user.createdAt"),
  };
}

function toUser(row: CassandraRow): UserRecord {
  return {
    id: idOf(row.id)!,
    handle: row.handle as string,
    displayName: (row.display_name as string | null) ?? "",
    createdAt: millisOf(row.created_at),
  };
}

/**
 * {@link UserStore} on Cassandra: `users` by id, `user_handles` from the folded handle (A-Z lower-cased) to the id,
 * and `pulled_authors`. A create claims the handle and then the id, each with a lightweight transaction, and gives the
 * handle back when the id turns out to be taken; a lookup by handle reads the claim and then the user, and answers only
 * when the user's handle still folds to the key. Lookups of many ids or handles are parallel single-partition reads.
 */
export class CassandraUserStore implements UserStore {
  readonly #s: CqlSession;
  readonly #cql: ReturnType<typeof statements>;

  constructor(options: CassandraUserStoreOptions) {
    this.#s = new CqlSession(options, "CassandraUserStore");
    this.#cql = statements(this.#s);
  }

  /** Stores a new user; false, changing nothing, when the id exists or the handle is taken in any case. */
  async create(user: UserRecord): Promise<boolean> {
    const where = "CassandraUserStore.create";
    return guard(where, () => this.#create(checkUser(user, where)));
  }

  /**
   * Stores many new users, for seeding: the same as {@link create} for each in the order given, skipping what `create`
   * would refuse. Every record is checked before anything is written. Users that share no id and no folded handle are
   * independent, so those groups are written in parallel (at most `concurrency` at a time), each group in order.
   * Returns how many users were stored.
   */
  async createMany(users: readonly UserRecord[]): Promise<number> {
    const where = "CassandraUserStore.createMany";
    const checked = cqlList(users, where, "users").map((user, i) =>
      checkUser(user as UserRecord, `${where}: users[${i}]`),
    );
    const groups = conflictGroups(checked, (user) => [`id:${user.id}`, `handle:${foldHandle(user.handle)}`]);
    const created = await this.#s.each(where, groups, async (group) => {
      let count = 0;
      for (const user of group) if (await this.#create(user)) count++;
      return count;
    });
    return created.reduce((sum, n) => sum + n, 0);
  }

  /** {@link create} of a checked user. */
  async #create(user: UserRecord): Promise<boolean> {
    const { id, handle, displayName, createdAt } = user;
    // Cassandra refuses an empty partition key; no valid handle is empty.
    if (handle === "") return false;
    const key = foldHandle(handle);
    const claim = await this.#s.applied(this.#cql.claim, [key, id]);
    // The handle is someone else's, or ours from an earlier attempt that may have stored the user already.
    if (!claim.applied && idOf(claim.row?.user_id) !== id) return false;
    const inserted = await this.#s.applied(this.#cql.insert, [id, handle, displayName, createdAt]);
    // After a server timeout, a row equal to this user is this call's own insert.
    const stored = inserted.row === undefined ? undefined : toUser(inserted.row);
    if (inserted.applied || (inserted.uncertain && isDeepStrictEqual(stored, { id, handle, displayName, createdAt }))) {
      return true;
    }
    if (foldHandle(String(inserted.row?.handle)) !== key) await this.#s.applied(this.#cql.release, [key, id]);
    return false;
  }

  /** Users by id, in the order asked; `undefined` where there is none. */
  async getMany(ids: readonly UserId[]): Promise<(UserRecord | undefined)[]> {
    const where = "CassandraUserStore.getMany";
    const wanted = distinctIds(ids, where, "ids");
    const found = await this.#load(where, wanted);
    return ids.map((id) => {
      const user = found.get(id);
      return user === undefined ? undefined : { ...user };
    });
  }

  /** The user with this handle, compared case-insensitively (A-Z). */
  async getByHandle(handle: string): Promise<UserRecord | undefined> {
    const [user] = await this.#byHandles("CassandraUserStore.getByHandle", [handle]);
    return user;
  }

  /** The users with these handles (case-insensitive), in the order asked. */
  async getManyByHandle(handles: readonly string[]): Promise<(UserRecord | undefined)[]> {
    return this.#byHandles("CassandraUserStore.getManyByHandle", handles);
  }

  /** Records that this author is pulled at read time (a blind, idempotent write). */
  async markPulled(id: UserId): Promise<void> {
    const where = "CassandraUserStore.markPulled";
    const user = cqlId(id, where, "id");
    await guard(where, () => this.#s.rows(this.#cql.markPulled, [user]));
  }

  /** Which of `ids` are pulled authors (parallel point reads). */
  async pulledAmong(ids: readonly UserId[]): Promise<UserId[]> {
    const where = "CassandraUserStore.pulledAmong";
    const wanted = distinctIds(ids, where, "ids");
    const found = await this.#s.each(where, wanted, (id) => this.#s.first(this.#cql.pulled, [id]));
    return wanted.filter((_, i) => found[i] !== undefined);
  }

  async #byHandles(where: string, handles: readonly string[]): Promise<(UserRecord | undefined)[]> {
    const keys = handles.map((handle, i) => {
      const text = cqlText(handle, where, `handles[${i}]`, Number.MAX_SAFE_INTEGER);
      const bytes = Buffer.byteLength(text, "utf8");
      // A key no create could have stored matches nothing: answer without asking.
      return text === "" || bytes > MAX_KEY_BYTES ? undefined : foldHandle(text);
    });
    const distinct = [...new Set(keys.filter((key): key is string => key !== undefined))];
    const claims = await this.#s.each(where, distinct, (key) => this.#s.first(this.#cql.byHandle, [key]));
    const idByKey = new Map<string, UserId>();
    claims.forEach((row, i) => {
      const id = idOf(row?.user_id);
      if (id !== undefined) idByKey.set(distinct[i]!, id);
    });
    const users = await this.#load(where, [...new Set(idByKey.values())]);
    return keys.map((key) => {
      const user = key === undefined ? undefined : users.get(idByKey.get(key) ?? "");
      return user !== undefined && foldHandle(user.handle) === key ? { ...user } : undefined;
    });
  }

  /** Reads users by id (parallel, limited). */
  async #load(where: string, ids: readonly UserId[]): Promise<Map<UserId, UserRecord>> {
    const rows = await this.#s.each(where, ids, (id) => this.#s.first(this.#cql.get, [id]));
    const out = new Map<UserId, UserRecord>();
    for (const row of rows) if (row !== undefined) out.set(idOf(row.id)!, toUser(row));
    return out;
  }
}
