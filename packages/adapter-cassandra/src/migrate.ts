import { readdir, readFile } from "node:fs/promises";
import type { CassandraClient } from "./client.js";
import { guard } from "./errors.js";
import { DEFAULT_KEYSPACE, quoteKeyspace } from "./keyspace.js";
import { invalid } from "./values.js";

/** Options for {@link migrate}. */
export interface MigrateOptions {
  /** A connected cassandra-driver `Client`; the caller owns it. */
  client: CassandraClient;
  /** The keyspace to create or bring up to date (default `"feed_engine"`). */
  keyspace?: string;
  /**
   * The replication of a keyspace this call creates (an existing keyspace is left as it is). Default
   * `{ class: "SimpleStrategy", replication_factor: 1 }`, right for one node only; use `NetworkTopologyStrategy` with
   * a factor per data center (e.g. `{ class: "NetworkTopologyStrategy", dc1: 3 }`) in production.
   */
  replication?: Readonly<Record<string, string | number>>;
}

/** One migration file: `migrations/NNN_name.cql`. */
export interface Migration {
  version: number;
  name: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.cql$/;
/** `migrations/` next to `src/` (tests) and `dist/` (the published package). */
const DIRECTORY = new URL("../migrations/", import.meta.url);
const PLACEHOLDER = /\{\{keyspace\}\}/g;
const OPTION_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const OPTION_VALUE = /^[A-Za-z0-9_.]{1,128}$/;
/** Schema changes wait for every node to agree; give them longer than a query. */
const DDL = { readTimeout: 120_000 };

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
      throw new Error(`cassandra: migrate: two migration files have version ${found[i]!.version}`);
    }
  }
  return found;
}

/** The statements of one file with the keyspace filled in: `--` comment lines dropped, split at `;` ending a line. */
async function statementsOf(migration: Migration, keyspace: string): Promise<string[]> {
  const file = new URL(`${String(migration.version).padStart(3, "0")}_${migration.name}.cql`, DIRECTORY);
  const text = (await readFile(file, "utf8"))
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n");
  return text
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0)
    .map((statement) => statement.replace(PLACEHOLDER, keyspace));
}

/** The replication map as CQL, every key and value checked so that none can leave its quotes. */
function replicationCql(replication: Readonly<Record<string, string | number>>): string {
  const entries = Object.entries(replication);
  if (entries.length === 0 || !entries.some(([key]) => key === "class")) {
    throw invalid("migrate", "replication", 'must name a "class" (e.g. "SimpleStrategy")');
  }
  return `{${entries
    .map(([key, value]) => {
      const text = String(value);
      if (!OPTION_KEY.test(key) || !OPTION_VALUE.test(text)) {
        throw invalid("migrate", `replication.${key}`, `must be letters, digits, _ or . (got ${JSON.stringify(text)})`);
      }
      return `'${key}': '${text}'`;
    })
    .join(", ")}}`;
}

/**
 * Creates the keyspace if needed and applies the migrations it has not had yet, in version order, recording each
 * version in `<keyspace>.schema_migrations` once all its statements ran. Every statement is `CREATE ... IF NOT
 * EXISTS`, so a run that stopped half way is completed by the next one, and running it again is harmless. Cassandra
 * DDL is not transactional and concurrent schema changes from several clients can conflict: run it from one process
 * (a deploy step or `feed-engine migrate`), not from every app instance at once. The driver waits for schema agreement
 * after each statement. Returns the migrations this call applied (none when the keyspace was up to date).
 */
export async function migrate(options: MigrateOptions): Promise<Migration[]> {
  const keyspace = quoteKeyspace(options.keyspace ?? DEFAULT_KEYSPACE, "migrate");
  const replication = replicationCql(options.replication ?? { class: "SimpleStrategy", replication_factor: 1 });
  const { client } = options;
  return guard("migrate", async () => {
    const pending = await migrations();
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`, [], DDL);
    await client.execute(
      `CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (version int PRIMARY KEY, name text, applied_at timestamp)`,
      [],
      DDL,
    );
    const { rows } = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
    const done = new Set(rows.map((row) => Number(row.version)));
    const ran: Migration[] = [];
    for (const migration of pending) {
      if (done.has(migration.version)) continue;
      for (const statement of await statementsOf(migration, keyspace)) await client.execute(statement, [], DDL);
      await client.execute(
        `INSERT INTO ${keyspace}.schema_migrations (version, name, applied_at) VALUES (?, ?, toTimestamp(now()))`,
        [migration.version, migration.name],
        { prepare: true },
      );
      ran.push(migration);
    }
    return ran;
  });
}
