import { createHash } from "node:crypto";

/**
 * The slices of node-postgres the adapters call. A `pg.Pool` satisfies all of them and a `pg.Client` satisfies
 * {@link PgQueryable}; the caller creates the pool and ends it (the adapters never do).
 */

/** The part of a query result the adapters read. */
export interface PgResult<R> {
  rows: R[];
  rowCount: number | null;
}

/**
 * A statement with a name: node-postgres parses and plans it once per connection and afterwards only binds values,
 * which halves PostgreSQL's work for the short queries a home-timeline read makes.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** A prepared statement with its values, as `pg.Pool#query` takes it. */
export interface PgQueryConfig extends PreparedStatement {
  values: unknown[];
}

/** Runs one parameterized statement: `pg.Pool#query` or `pg.Client#query`. */
export interface PgQueryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgResult<R>>;
  query<R extends object = Record<string, unknown>>(config: PgQueryConfig): Promise<PgResult<R>>;
}

/** Names `text` after its hash, so one text always has one name and two texts never share one. */
export function prepared(text: string): PreparedStatement {
  return { name: `feed_engine_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`, text };
}

/** {@link prepared} for every statement of a store. */
export function preparedAll<K extends string>(texts: Record<K, string>): Record<K, PreparedStatement> {
  const out = {} as Record<K, PreparedStatement>;
  for (const key of Object.keys(texts) as K[]) out[key] = prepared(texts[key]);
  return out;
}

/** Runs a prepared statement on a pool or client. */
export function run<R extends object = Record<string, unknown>>(
  on: PgQueryable,
  statement: PreparedStatement,
  values: unknown[],
): Promise<PgResult<R>> {
  return on.query<R>({ name: statement.name, text: statement.text, values });
}

/** A node-postgres COPY stream (`pg-copy-streams`), as a pooled client submits it. */
export interface PgSubmittable {
  submit: (connection: never) => void;
}

/** A client checked out of a pool: statements on one connection (transactions, COPY), then `release`. */
export interface PgPoolClient extends PgQueryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgResult<R>>;
  query<R extends object = Record<string, unknown>>(config: PgQueryConfig): Promise<PgResult<R>>;
  query<T extends PgSubmittable>(stream: T): T;
  /** Returns the connection to the pool; a truthy argument destroys it instead. */
  release(destroy?: boolean | Error): void;
}

/** What the stores that need transactions or COPY take: `pg.Pool`. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it returns, ROLLBACK when it throws. A connection
 * whose ROLLBACK fails is destroyed rather than handed back to the pool in an unknown state.
 */
export async function inTransaction<T>(pool: PgPool, work: (client: PgPoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken ?? false);
  }
}
