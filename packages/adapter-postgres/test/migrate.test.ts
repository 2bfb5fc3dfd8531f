import { readFile } from "node:fs/promises";
import { isFeedError } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { migrate, migrations } from "../src/index.js";
import { testDatabase } from "./test-database.js";

const db = testDatabase();

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
    [schema],
  );
  return rows.map((row) => row.name);
}

describe("migrate", () => {
  it("ships versioned SQL files in the published package", async () => {
    const all = await migrations();
    expect(all.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    expect(manifest.files).toContain("migrations");
  });

  it("creates the schema, applies every migration once, and is harmless to run again", async () => {
    const schema = db.schemaName();
    const first = await migrate({ pool: db.pool, schema });
    expect(first.map((m) => `${m.version}_${m.name}`)).toEqual([
      "1_users",
      "2_posts",
      "3_graph",
      "4_notifications",
      "5_blocks_by_blocked",
      "6_following_versions",
      "7_pulled_authors_version",
    ]);
    expect(await migrate({ pool: db.pool, schema })).toEqual([]);
    expect(await migrate({ pool: db.pool, schema })).toEqual([]);
    expect(await tablesOf(schema)).toEqual([
      "blocks",
      "follow_counts",
      "follows",
      "like_counts",
      "likes",
      "notification_read_marks",
      "notifications",
      "post_counts",
      "posts",
      "pulled_authors",
      "pulled_authors_version",
      "schema_migrations",
      "users",
    ]);
    const { rows } = await db.pool.query(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`);
    expect(rows).toEqual(first);
  });

  it("lets concurrent runs wait for each other: each version is applied exactly once", async () => {
    const schema = db.schemaName();
    const runs = await Promise.all(Array.from({ length: 6 }, () => migrate({ pool: db.pool, schema })));
    const applied = runs.flat().map((m) => m.version);
    expect(applied.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(runs.filter((run) => run.length > 0)).toHaveLength(1);
  });

  it("keeps schemas apart", async () => {
    const [a, b] = [db.schemaName(), db.schemaName()];
    await Promise.all([migrate({ pool: db.pool, schema: a }), migrate({ pool: db.pool, schema: b })]);
    await db.pool.query(`INSERT INTO "${a}".pulled_authors (user_id) VALUES (1)`);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${b}".pulled_authors`);
    expect(rows[0].n).toBe(0);
  });

  it("refuses schema names that are not plain identifiers, creating nothing", async () => {
    const before = await db.pool.query("SELECT count(*)::int AS n FROM pg_namespace");
    for (const schema of ['x"; DROP SCHEMA public CASCADE; --', "1abc", "", "a-b", "a".repeat(64), "a b", "é"]) {
      const error = await migrate({ pool: db.pool, schema }).catch((e: unknown) => e);
      expect(isFeedError(error, "VALIDATION")).toBe(true);
      expect((error as Error).message).toMatch(/^migrate: schema must be/);
    }
    const after = await db.pool.query("SELECT count(*)::int AS n FROM pg_namespace");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
