import { readdir, readFile } from "node:fs/promises";
import { guard } from "./errors.js";
import type { PgPool, PgPoolClient } from "./pool.js";
import { DEFAULT_SCHEMA, lockKey, quoteSchema } from "./schema.js";

/** Options for {@link migrate}. */
export interface MigrateOptions {
  /** The pool to run on; migrate checks out one connection and hands it back. */
  pool: PgPool;
  /** The schema to create or bring up to date (default `"feed_engine"`). */
  schema?: string;
}

/** One migration file: `migrations/NNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** `migrations/` next to `src/` (tests) and `dist/` (the published package). */
const DIRECTORY = new URL("../migrations/", import.meta.url);

/** The migrations this package ships, in version order. */
export async function migrations(): Promise<Migration[]> {
  const found: Migration[] = [];
  for (const file of await readdir(DIRECTORY)) {
    const match = FILE.exec(file);
    if (match !== null) found.push({ version: Number(match[1]), name: match[2]! });
  }
  found.sort((a, b) => a.version - b.version);
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.version === found[i - 1]!.version) {
      throw new Error(`migrate: two migration files have version ${found[i]!.version}`);
    }
  }
  return found;
}

function fileOf(migration: Migration): URL {
  return new URL(`${String(migration.version).padStart(3, "0")}_${migration.name}.sql`, DIRECTORY);
}

async function applied(client: PgPoolClient, schema: string): Promise<Set<number>> {
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
  return new Set(rows.map((row) => row.version));
}

/** Applies one file and records it, in one transaction: a failure leaves neither half behind. */
async function apply(client: PgPoolClient, schema: string, migration: Migration): Promise<void> {
  const sql = await readFile(fileOf(migration), "utf8");
  await client.query("BEGIN");
  try {
    await client.query("SELECT set_config('search_path', $1, true)", [schema]);
    await client.query(sql);
    await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
      migration.version,
      migration.name,
    ]);
    await client.query("COMMIT");
  } catch (error) {
    // A failed ROLLBACK means a broken connection, which migrate() destroys; the file's error is the one to report.
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * Creates `schema` if needed and applies the migrations it has not had yet, in version order, each in its own
 * transaction, recording every version in `<schema>.schema_migrations`. A session advisory lock keyed by the schema
 * makes concurrent runs (several app instances starting at once) wait for each other, so running it any number of
 * times, from any number of processes, is harmless. Returns the migrations this call applied (none when the schema
 * was up to date).
 */
export async function migrate(options: MigrateOptions): Promise<Migration[]> {
  const name = options.schema ?? DEFAULT_SCHEMA;
  const schema = quoteSchema(name, "migrate");
  return guard("migrate", async () => {
    const pending = await migrations();
    const client = await options.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey(name, "migrate")]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const done = await applied(client, schema);
      const ran: Migration[] = [];
      for (const migration of pending) {
        if (done.has(migration.version)) continue;
        await apply(client, schema, migration);
        ran.push(migration);
      }
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey(name, "migrate")]);
      return ran;
    } catch (error) {
      // The session lock dies with the connection: destroying it is the sure way to let the next run in.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken ?? false);
    }
  });
}
