import pLimit, { type LimitFunction } from "p-limit";
import type { CassandraBatchStatement, CassandraClient, CassandraQueryOptions, CassandraRow } from "./client.js";
import { guard } from "./errors.js";
import { DEFAULT_KEYSPACE, quoteKeyspace } from "./keyspace.js";
import { invalid } from "./values.js";

/** The options every store takes. */
export interface CassandraStoreOptions {
  /** A connected cassandra-driver `Client`; the caller owns it and shuts it down. */
  client: CassandraClient;
  /** Keyspace migrated with `migrate` (default `"feed_engine"`). */
  keyspace?: string;
  /**
   * Most statements one call keeps in flight when it fans out (a fan-out batch, a page hydrate). Default 64; the
   * driver's own per-connection limits still apply.
   */
  concurrency?: number;
}

/** What a lightweight transaction answered; see {@link CqlSession.applied}. */
export interface LwtResult {
  applied: boolean;
  /** The row as it stands when the transaction was not applied (the `[applied]` column included). */
  row: CassandraRow | undefined;
  /** An earlier attempt timed out on the server, so it may have been applied. */
  uncertain: boolean;
}

/** How often a lightweight transaction is sent when the server keeps timing out. */
export const LWT_ATTEMPTS = 4;

/** A read or write timeout answered by the server (protocol codes 0x1100 and 0x1200). */
function isServerTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && error.name === "ResponseError" && (code === 0x1100 || code === 0x1200);
}

/** Default for {@link CassandraStoreOptions.concurrency}. */
export const DEFAULT_CONCURRENCY = 64;

/**
 * What every store shares: the client, the quoted keyspace for its CQL text, and one concurrency limit. Every
 * statement is sent prepared (the driver prepares each distinct CQL text once per connection pool and caches it), so
 * values only ever travel as bind values.
 */
export class CqlSession {
  readonly client: CassandraClient;
  /** The double-quoted keyspace, the only text in any statement that is not constant or a bind marker. */
  readonly keyspace: string;
  readonly #limit: LimitFunction;

  constructor(options: CassandraStoreOptions, where: string) {
    this.client = options.client;
    this.keyspace = quoteKeyspace(options.keyspace ?? DEFAULT_KEYSPACE, where);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw invalid(where, "concurrency", `must be an integer >= 1 (got ${String(concurrency)})`);
    }
    this.#limit = pLimit(concurrency);
  }

  /** `table` qualified with the keyspace. */
  table(name: string): string {
    return `${this.keyspace}.${name}`;
  }

  /** Runs one prepared statement and returns its rows (the first page; reads here always bound their size). */
  async rows(query: string, params: unknown[], options: CassandraQueryOptions = {}): Promise<readonly CassandraRow[]> {
    const result = await this.client.execute(query, params, { prepare: true, isIdempotent: true, ...options });
    return result.rows;
  }

  /** Runs one prepared statement and returns its first row, if any. */
  async first(
    query: string,
    params: unknown[],
    options: CassandraQueryOptions = {},
  ): Promise<CassandraRow | undefined> {
    return (await this.rows(query, params, options))[0];
  }

  /** Every row of a prepared query, page by page (for the few reads whose size is bounded by the data, not a LIMIT). */
  async all(query: string, params: unknown[], fetchSize = 1000): Promise<CassandraRow[]> {
    const out: CassandraRow[] = [];
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(query, params, {
        prepare: true,
        isIdempotent: true,
        autoPage: false,
        fetchSize,
        ...(pageState === undefined ? {} : { pageState }),
      });
      out.push(...result.rows);
      pageState = result.pageState ?? undefined;
    } while (pageState !== undefined);
    return out;
  }

  /**
   * A lightweight transaction (`... IF ...`): whether it was applied, and the current row when it was not. When the
   * server times out (the Paxos round may or may not have completed), the same transaction is sent again, up to
   * {@link LWT_ATTEMPTS} times: Cassandra finishes an interrupted round before it starts the next one on that
   * partition, so the answer is then true to the latest state. `uncertain` says that happened: "not applied" may
   * then mean "applied by the attempt that timed out", which the caller resolves from the returned row.
   */
  async applied(query: string, params: unknown[]): Promise<LwtResult> {
    let uncertain = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const row = await this.first(query, params, { isIdempotent: false });
        return { applied: row?.["[applied]"] === true, row, uncertain };
      } catch (error) {
        if (attempt >= LWT_ATTEMPTS || !isServerTimeout(error)) throw error;
        uncertain = true;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /**
   * An UNLOGGED batch of statements that all write ONE partition key (of one or several tables): Cassandra applies it
   * as one mutation, atomically and in isolation on each replica, without the batch log. Never used across
   * partitions.
   */
  async batch(statements: CassandraBatchStatement[], options: CassandraQueryOptions = {}): Promise<void> {
    if (statements.length === 0) return;
    if (statements.length === 1) {
      await this.client.execute(statements[0]!.query, statements[0]!.params, { prepare: true, ...options });
      return;
    }
    await this.client.batch(statements, { prepare: true, logged: false, ...options });
  }

  /** Runs `work` for every item with at most `concurrency` in flight, results in item order; errors are mapped. */
  async each<T, R>(where: string, items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
    return guard(where, () => Promise.all(items.map((item) => this.#limit(() => work(item)))));
  }
}
