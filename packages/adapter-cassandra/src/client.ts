/**
 * The slice of cassandra-driver's `Client` the adapters call. A `cassandra.Client` from `cassandra-driver` 4.x fits;
 * the caller creates it, connects it and shuts it down.
 */

/** One row as the driver returns it: column name to value (bigint columns arrive as `Long` or `bigint`). */
export type CassandraRow = { readonly [column: string]: unknown };

/** What `execute` resolves to. */
export interface CassandraResult {
  readonly rows: readonly CassandraRow[];
  /** Set when more pages follow (with `autoPage` off). */
  readonly pageState?: string | null;
}

/** Per-statement options the adapters pass. */
export interface CassandraQueryOptions {
  prepare?: boolean;
  /** Whether the statement may be retried by the driver after a timeout (true for plain upserts and reads). */
  isIdempotent?: boolean;
  fetchSize?: number;
  pageState?: string;
  autoPage?: boolean;
  /** `false` sends an UNLOGGED batch. */
  logged?: boolean;
  counter?: boolean;
  /** Milliseconds to wait for this statement's answer (the driver's default is 12,000). */
  readTimeout?: number;
}

/** One statement of a batch. */
export interface CassandraBatchStatement {
  query: string;
  params: unknown[];
}

/** The methods of cassandra-driver's `Client` the adapters use. */
export interface CassandraClient {
  // biome-ignore lint/suspicious/noExplicitAny: the driver declares its params as any[]
  execute(query: string, params?: any[], options?: CassandraQueryOptions): Promise<CassandraResult>;
  batch(queries: CassandraBatchStatement[], options?: CassandraQueryOptions): Promise<unknown>;
}
