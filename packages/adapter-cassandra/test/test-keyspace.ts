import { isFeedError } from "@feed-engine/core";
import cassandra from "cassandra-driver";
import { afterAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { type CassandraClient, migrate } from "../src/index.js";

/** One client and one migrated keyspace per test file, dropped after the file. */
export interface TestKeyspace {
  client: cassandra.Client;
  /** The keyspace name (`fe_<runId>_<label>`). */
  keyspace: string;
  /** Migrates the keyspace on first call (once per file); every later call returns the same promise. */
  ready(): Promise<string>;
  /** Empties these tables (TRUNCATE; the test server runs with auto_snapshot: false, so it takes milliseconds). */
  truncate(...tables: string[]): Promise<void>;
}

/** A client on the run's Cassandra node. */
export function testClient(): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [inject("cassandraContactPoint")],
    localDataCenter: inject("cassandraDataCenter"),
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum },
    // The test machine's two cores are shared by every suite: allow slow answers rather than fail on load.
    socketOptions: { readTimeout: 60_000 },
  });
}

/** Call at the top of a test file; `label` tells the file's keyspace apart (letters, digits, `_`). */
export function testKeyspace(label: string): TestKeyspace {
  const client = testClient();
  const keyspace = `fe_${inject("runId")}_${label}`.slice(0, 48);
  let migrated: Promise<string> | undefined;
  afterAll(async () => {
    try {
      if (migrated !== undefined)
        await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 120_000 });
    } finally {
      await client.shutdown();
    }
  });
  return {
    client,
    keyspace,
    ready() {
      migrated ??= client
        .connect()
        .then(() => migrate({ client, keyspace }))
        .then(() => keyspace);
      return migrated;
    },
    async truncate(...tables) {
      await this.ready();
      await Promise.all(
        tables.map((table) => client.execute(`TRUNCATE "${keyspace}".${table}`, [], { readTimeout: 120_000 })),
      );
    },
  };
}

/** The FeedError code `work` rejects with, or "none" when it resolves; any other error is rethrown. */
export async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return "none";
  } catch (error) {
    if (isFeedError(error)) return error.code;
    throw error;
  }
}

/** A client that records the CQL text of every statement it sends (batches statement by statement). */
export function recordingClient(client: cassandra.Client): { client: CassandraClient; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    client: {
      execute: (query, params, options) => {
        statements.push(query);
        return client.execute(query, params, options);
      },
      batch: (queries, options) => {
        for (const q of queries) statements.push(q.query);
        return client.batch(queries, options);
      },
    },
  };
}
