import { FeedError, isFeedError } from "@feed-engine/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { mapPgError, PostgresGraphStore, PostgresUserStore } from "../src/index.js";
import { testDatabase } from "./test-database.js";

const db = testDatabase();

/** What a statement that PostgreSQL refuses throws, mapped. */
async function mapped(sql: string, values: unknown[] = []): Promise<FeedError> {
  const error = await db.pool.query(sql, values).then(
    () => undefined,
    (e: unknown) => e,
  );
  const result = mapPgError(error, "test.where");
  if (!(result instanceof FeedError)) throw new Error(`not mapped: ${String(error)}`);
  return result;
}

describe("mapPgError", () => {
  it("maps a unique violation (23505) to CONFLICT, naming where and the constraint", async () => {
    const schema = await db.freshSchema();
    await db.pool.query(`INSERT INTO "${schema}".users (id, handle, display_name, created_at) VALUES (1, 'a', 'a', 0)`);
    const error = await mapped(
      `INSERT INTO "${schema}".users (id, handle, display_name, created_at) VALUES (2, 'A', 'b', 0)`,
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/^test\.where: .*users_handle_lower_key.*23505/);
  });

  it("maps bad values (22P02, 22003, 22021) to VALIDATION", async () => {
    expect((await mapped("SELECT $1::bigint", ["12x"])).code).toBe("VALIDATION");
    expect((await mapped("SELECT $1::bigint", ["9223372036854775808"])).code).toBe("VALIDATION");
    expect((await mapped("SELECT $1::text", ["a\u0000b"])).code).toBe("VALIDATION");
  });

  it("maps an unmigrated schema to UNAVAILABLE saying to run migrate", async () => {
    const store = new PostgresUserStore({ pool: db.pool, schema: db.schemaName() });
    const error = await store.getMany(["1"]).catch((e: unknown) => e);
    expect(isFeedError(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toMatch(/^PostgresUserStore\.getMany: .*run migrate\(\{ pool, schema \}\)/);
  });

  it("maps an unreachable server to UNAVAILABLE naming its address and what to check", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 2000 });
    try {
      const store = new PostgresGraphStore({ pool });
      for (const call of [() => store.counts("1"), () => store.follow("1", "2", 0)]) {
        const error = await call().catch((e: unknown) => e);
        expect(isFeedError(error, "UNAVAILABLE")).toBe(true);
        expect((error as Error).message).toMatch(
          /^PostgresGraphStore\.(counts|follow): cannot reach PostgreSQL at 127\.0\.0\.1:1/,
        );
        expect((error as Error).message).toContain("FEED_ENGINE_TEST_POSTGRES_URL");
        expect((error as FeedError).cause).toBeInstanceOf(Error);
      }
    } finally {
      await pool.end();
    }
  });

  it("maps a connection the server ended to UNAVAILABLE", async () => {
    const client = new pg.Client({ connectionString: db.pool.options.connectionString });
    await client.connect();
    client.on("error", () => undefined);
    const { rows } = await client.query("SELECT pg_backend_pid() AS pid");
    await db.pool.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
    const error = await client.query("SELECT 1").catch((e: unknown) => e);
    await client.end().catch(() => undefined);
    const result = mapPgError(error, "test.where");
    expect(isFeedError(result, "UNAVAILABLE")).toBe(true);
    expect(result.message).toMatch(/^test\.where: /);
  });

  it("passes FeedErrors through and leaves errors that are not from PostgreSQL alone", () => {
    const feed = new FeedError("NOT_FOUND", "x");
    expect(mapPgError(feed, "w")).toBe(feed);
    const bug = new TypeError("undefined is not a function");
    expect(mapPgError(bug, "w")).toBe(bug);
    expect(mapPgError("text", "w").message).toBe("w: text");
  });
});
