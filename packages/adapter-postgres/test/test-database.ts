import { randomBytes } from "node:crypto";
import { isFeedError } from "@feed-engine/core";
import pg from "pg";
import { afterAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { migrate, type PgPool } from "../src/index.js";
import type { PgQueryConfig } from "../src/pool.js";

/** One pool per test file on the run's database, and fresh migrated schemas that are dropped after the file. */
export interface TestDatabase {
  pool: pg.Pool;
  /** A new schema name (`fe_<random hex>`), dropped in afterAll; not created. */
  schemaName(): string;
  /** A new schema with every migration applied. */
  freshSchema(): Promise<string>;
}

/** Call at the top of a test file. */
export function testDatabase(): TestDatabase {
  const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 10 });
  const schemas: string[] = [];
  afterAll(async () => {
    try {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });
  const schemaName = () => {
    const schema = `fe_${randomBytes(6).toString("hex")}`;
    schemas.push(schema);
    return schema;
  };
  return {
    pool,
    schemaName,
    async freshSchema() {
      const schema = schemaName();
      await migrate({ pool, schema });
      return schema;
    },
  };
}

/**
 * A pool that records every statement sent through `query` (statements on checked-out clients are not recorded). The
 * stores take this typed slice, so a plain object is all a test needs to wrap one.
 */
export function recordingPool(pool: pg.Pool): { pool: PgPool; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    pool: {
      query: async (textOrConfig: string | PgQueryConfig, values?: unknown[]) => {
        if (typeof textOrConfig === "string") {
          statements.push(textOrConfig);
          return pool.query(textOrConfig, values);
        }
        statements.push(textOrConfig.text);
        return pool.query(textOrConfig);
      },
      connect: () => pool.connect(),
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
