import type { UserId, UserRecord, UserStore } from "@feed-engine/core";
import { copyField, copyLines } from "./copy.js";
import { guard } from "./errors.js";
import { escapeNul, hasNul, unescapeNul } from "./nul.js";
import { inTransaction, type PgPool, type PreparedStatement, prepared, run } from "./pool.js";
import { DEFAULT_SCHEMA, quoteSchema } from "./schema.js";
import {
  MAX_KEY_BYTES,
  MAX_TEXT_BYTES,
  pgId,
  pgIds,
  pgList,
  pgMillis,
  pgString,
  pgText,
  unstorable,
} from "./values.js";

/** Options for {@link PostgresUserStore}. */
export interface PostgresUserStoreOptions {
  /** A `pg.Pool` (transactions and COPY need `connect`). The caller owns it and ends it. */
  pool: PgPool;
  /** Schema migrated with `migrate` (default `"feed_engine"`). */
  schema?: string;
}

interface UserRow {
  id: string;
  handle: string;
  display_name: string;
  created_at: string;
  nul_escaped: boolean;
}

const COLUMNS = "id::text AS id, handle, display_name, created_at::text AS created_at, nul_escaped";

/** Folds A-Z only, as `MemoryUserStore` and the generated `handle_lower` column do. */
function foldHandle(handle: string): string {
  return handle.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function toUser(row: UserRow): UserRecord {
  const displayName = row.nul_escaped ? unescapeNul(row.display_name) : row.display_name;
  return { id: row.id, handle: row.handle, displayName, createdAt: Number(row.created_at) };
}

/** A user checked for the users table, as stored: the display name escaped when it holds NUL (see nul.ts). */
interface UserValues {
  id: string;
  handle: string;
  displayName: string;
  createdAt: number;
  escaped: boolean;
}

/** Checks a record for the users table; throws `VALIDATION` naming the field. */
function checkUser(user: UserRecord, where: string, field: string): UserValues {
  const displayName = pgText(user.displayName, where, `${field}.displayName`, MAX_TEXT_BYTES, true);
  const escaped = hasNul(displayName);
  return {
    id: pgId(user.id, where, `${field}.id`),
    handle: pgText(user.handle, where, `${field}.handle`, MAX_KEY_BYTES),
    displayName: escaped ? escapeNul(displayName) : displayName,
    createdAt: pgMillis(user.createdAt, where, `${field}.createdAt`),
    escaped,
  };
}

/**
 * {@link UserStore} on PostgreSQL: the `users` table, unique on `id` and on the generated `handle_lower` (A-Z folded),
 * and the `pulled_authors` table. Handles and names are stored verbatim (a name holding NUL is escaped and flagged,
 * see nul.ts); handles PostgreSQL text cannot hold (NUL, unpaired surrogates) or oversize ones are refused with
 * `VALIDATION`, and looking them up finds nothing. {@link createMany} loads users with COPY for seeding.
 */
export class PostgresUserStore implements UserStore {
  readonly #pool: PgPool;
  readonly #users: string;
  readonly #pulled: string;
  readonly #getMany: PreparedStatement;
  readonly #pulledAmong: PreparedStatement;

  constructor(options: PostgresUserStoreOptions) {
    const schema = quoteSchema(options.schema ?? DEFAULT_SCHEMA, "PostgresUserStore");
    this.#pool = options.pool;
    this.#users = `${schema}.users`;
    this.#pulled = `${schema}.pulled_authors`;
    this.#getMany = prepared(`SELECT ${COLUMNS} FROM ${this.#users} WHERE id = ANY($1::bigint[])`);
    this.#pulledAmong = prepared(
      `SELECT user_id::text AS user_id FROM ${this.#pulled} WHERE user_id = ANY($1::bigint[])`,
    );
  }

  /** Stores a new user; false, changing nothing, when the id exists or the handle is taken in any case. */
  async create(user: UserRecord): Promise<boolean> {
    const where = "PostgresUserStore.create";
    const u = checkUser(user, where, "user");
    return guard(where, async () => {
      const { rowCount } = await this.#pool.query(
        `INSERT INTO ${this.#users} (id, handle, display_name, created_at, nul_escaped) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [u.id, u.handle, u.displayName, u.createdAt, u.escaped],
      );
      return rowCount === 1;
    });
  }

  /**
   * Loads many users with one COPY into a temporary table and one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`, all
   * in one transaction: users whose id exists or whose handle is taken (by a stored user or an earlier one in
   * `users`) are skipped, as {@link create} would. Every record is checked first, so a bad one writes nothing.
   * Returns how many were stored. For seeding: 81k users load in well under a second.
   */
  async createMany(users: readonly UserRecord[]): Promise<number> {
    const where = "PostgresUserStore.createMany";
    const checked = users.map((user, i) => checkUser(user, where, `users[${i}]`));
    if (checked.length === 0) return 0;
    return guard(where, () =>
      inTransaction(this.#pool, async (client) => {
        await client.query(
          `CREATE TEMPORARY TABLE feed_engine_user_import (
             ord integer NOT NULL, id bigint NOT NULL, handle text NOT NULL, display_name text NOT NULL,
             created_at bigint NOT NULL, nul_escaped boolean NOT NULL
           ) ON COMMIT DROP`,
        );
        const lines = checked.map(
          (u, i) =>
            `${i}\t${u.id}\t${copyField(u.handle)}\t${copyField(u.displayName)}\t${u.createdAt}\t${u.escaped}\n`,
        );
        await copyLines(client, "COPY pg_temp.feed_engine_user_import FROM STDIN", lines);
        const { rowCount } = await client.query(
          `INSERT INTO ${this.#users} (id, handle, display_name, created_at, nul_escaped)
           SELECT id, handle, display_name, created_at, nul_escaped FROM pg_temp.feed_engine_user_import ORDER BY ord
           ON CONFLICT DO NOTHING`,
        );
        return rowCount ?? 0;
      }),
    );
  }

  /** Users by id, in the order asked; `undefined` where there is none. */
  async getMany(ids: readonly UserId[]): Promise<(UserRecord | undefined)[]> {
    const where = "PostgresUserStore.getMany";
    const checked = pgIds(ids, where, "ids");
    if (checked.length === 0) return [];
    const rows = await guard(where, async () => {
      const result = await run<UserRow>(this.#pool, this.#getMany, [[...new Set(checked)]]);
      return result.rows;
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return checked.map((id) => {
      const row = byId.get(id);
      return row === undefined ? undefined : toUser(row);
    });
  }

  /** The user with this handle, compared case-insensitively (A-Z). */
  async getByHandle(handle: string): Promise<UserRecord | undefined> {
    const [user] = await this.#byHandles([handle], "PostgresUserStore.getByHandle");
    return user;
  }

  /** The users with these handles (case-insensitive), in the order asked. */
  async getManyByHandle(handles: readonly string[]): Promise<(UserRecord | undefined)[]> {
    return this.#byHandles(handles, "PostgresUserStore.getManyByHandle");
  }

  /** Marks the author as pulled, for good; marking twice is harmless. */
  async markPulled(id: UserId): Promise<void> {
    const where = "PostgresUserStore.markPulled";
    const userId = pgId(id, where, "id");
    await guard(where, () =>
      this.#pool.query(`INSERT INTO ${this.#pulled} (user_id) VALUES ($1) ON CONFLICT DO NOTHING`, [userId]),
    );
  }

  /** The pulled authors among `ids`, in the order asked, each once. */
  async pulledAmong(ids: readonly UserId[]): Promise<UserId[]> {
    const where = "PostgresUserStore.pulledAmong";
    const checked = [...new Set(pgIds(ids, where, "ids"))];
    if (checked.length === 0) return [];
    const { rows } = await guard(where, () => run<{ user_id: string }>(this.#pool, this.#pulledAmong, [checked]));
    const pulled = new Set(rows.map((row) => row.user_id));
    return checked.filter((id) => pulled.has(id));
  }

  async #byHandles(handles: readonly string[], where: string): Promise<(UserRecord | undefined)[]> {
    // A handle that could never be stored (NUL, oversize, ...) cannot match; it is not sent.
    const keys = pgList(handles, where, "handles").map((handle, i) => {
      const text = pgString(handle, where, `handles[${i}]`);
      return unstorable(text, MAX_KEY_BYTES) === undefined ? foldHandle(text) : undefined;
    });
    const wanted = [...new Set(keys.filter((key) => key !== undefined))];
    if (wanted.length === 0) return keys.map(() => undefined);
    const rows = await guard(where, async () => {
      const result = await this.#pool.query<UserRow & { handle_lower: string }>(
        `SELECT ${COLUMNS}, handle_lower FROM ${this.#users} WHERE handle_lower = ANY($1::text[])`,
        [wanted],
      );
      return result.rows;
    });
    const byKey = new Map(rows.map((row) => [row.handle_lower, row]));
    return keys.map((key) => {
      const row = key === undefined ? undefined : byKey.get(key);
      return row === undefined ? undefined : toUser(row);
    });
  }
}
