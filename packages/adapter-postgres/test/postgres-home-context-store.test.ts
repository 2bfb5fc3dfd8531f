import { homeContextStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import type { PgQueryable, PgQueryConfig } from "../src/index.js";
import { PostgresGraphStore, PostgresHomeContextStore, PostgresPostStore, PostgresUserStore } from "../src/index.js";
import { codeOf, recordingPool, testDatabase } from "./test-database.js";

const db = testDatabase();

homeContextStoreContract("PostgresHomeContextStore", async () => {
  const schema = await db.freshSchema();
  const pool = db.pool;
  return {
    homeContext: new PostgresHomeContextStore({ pool, schema }),
    users: new PostgresUserStore({ pool, schema }),
    graph: new PostgresGraphStore({ pool, schema }),
    posts: new PostgresPostStore({ pool, schema }),
  };
});

/** A pool that keeps the context row of every statement sent through it. */
function contextRows(): { pool: PgQueryable; rows: Array<Record<string, unknown>> } {
  const rows: Array<Record<string, unknown>> = [];
  const pool: PgQueryable = {
    query: async (config: string | PgQueryConfig, values?: unknown[]) => {
      const result = typeof config === "string" ? await db.pool.query(config, values) : await db.pool.query(config);
      rows.push(result.rows[0] ?? {});
      return result;
    },
  };
  return { pool, rows };
}

/** The followee lists the context statement shipped: null where it left the list out. */
const followeesShipped = (rows: ReadonlyArray<Record<string, unknown>>) =>
  rows.map((row) => (row.followees as string | null | undefined) ?? null);

/** The ids of the posts each context statement shipped in full, sorted. */
const rowsShipped = (rows: ReadonlyArray<Record<string, unknown>>) =>
  rows.map((row) => ((row.hydrated ?? []) as Array<{ id: string }>).map((post) => post.id).sort());

describe("PostgresHomeContextStore", () => {
  it("ships a reader's followee list only when it changed since the copy it caches", async () => {
    const schema = await db.freshSchema();
    const users = new PostgresUserStore({ pool: db.pool, schema });
    const graph = new PostgresGraphStore({ pool: db.pool, schema });
    for (const id of ["1", "2", "3", "4"]) await users.create({ id, handle: `u${id}`, displayName: id, createdAt: 1 });
    await graph.follow("1", "2", 1);
    await graph.follow("1", "3", 1);
    const { pool, rows } = contextRows();
    const store = new PostgresHomeContextStore({ pool, schema });
    const read = async () => [...((await store.homeContext("1", { limit: 5 }))?.followees ?? [])].sort();
    expect(await read()).toEqual(["2", "3"]);
    expect(await read()).toEqual(["2", "3"]);
    // Being followed moves the reader's follower count, not the version of their followee list.
    await graph.follow("4", "1", 2);
    expect(await read()).toEqual(["2", "3"]);
    await graph.unfollow("1", "3");
    expect(await read()).toEqual(["2"]);
    expect(await read()).toEqual(["2"]);
    await graph.block("1", "2");
    expect(await read()).toEqual([]);
    expect(await read()).toEqual([]);
    expect(followeesShipped(rows).map((list) => list?.split(",").sort().join(",") ?? null)).toEqual([
      "2,3",
      null,
      null,
      "2",
      null,
      "",
      null,
    ]);
    // Another process (a store of its own) starts with an empty cache; with the cache off, every read ships the list.
    const off = contextRows();
    const uncached = new PostgresHomeContextStore({ pool: off.pool, schema, followeeCacheIds: 0 });
    await graph.follow("1", "4", 3);
    for (let i = 0; i < 2; i++) await uncached.homeContext("1", { limit: 5 });
    expect(followeesShipped(off.rows)).toEqual(["4", "4"]);
    expect(await read()).toEqual(["4"]);
  });

  it("finds a reader's pulled followees again only when the followee list or the set of pulled authors changed", async () => {
    const schema = await db.freshSchema();
    const users = new PostgresUserStore({ pool: db.pool, schema });
    const graph = new PostgresGraphStore({ pool: db.pool, schema });
    for (const id of ["1", "2", "3", "4", "5"]) {
      await users.create({ id, handle: `u${id}`, displayName: id, createdAt: 1 });
    }
    for (const id of ["2", "3", "4"]) await graph.follow("1", id, 1);
    await users.markPulled("2");
    const { pool, rows } = contextRows();
    const store = new PostgresHomeContextStore({ pool, schema });
    const seen: string[][] = [];
    const read = async () => {
      seen.push([...((await store.homeContext("1", { limit: 5 }))?.pulled ?? [])].sort());
    };
    const sql = (text: string) => db.pool.query(text.replaceAll("$s", `"${schema}"`));
    await read();
    await read();
    await users.markPulled("3");
    await read();
    // Marking an author already marked adds no row: the version stays.
    await users.markPulled("3");
    await read();
    // An author the reader does not follow moves the version; the list is found again, the same.
    await users.markPulled("5");
    await read();
    await graph.unfollow("1", "2");
    await read();
    await read();
    // Written to the table by other means than the store: the trigger moves the version all the same.
    await sql("DELETE FROM $s.pulled_authors WHERE user_id = 3");
    await read();
    await sql("INSERT INTO $s.pulled_authors (user_id) VALUES (4)");
    await read();
    await sql("TRUNCATE $s.pulled_authors");
    await read();
    expect(seen).toEqual([["2"], ["2"], ["2", "3"], ["2", "3"], ["2", "3"], ["3"], ["3"], [], ["4"], []]);
    const shipped = rows.map((row) => (row.pulled as string | null)?.split(",").sort().join(",") ?? null);
    expect(shipped).toEqual(["2", null, "2,3", null, "2,3", "3", null, "", "4", ""]);
    // With the cache off, every read finds them.
    const off = contextRows();
    const uncached = new PostgresHomeContextStore({ pool: off.pool, schema, followeeCacheIds: 0 });
    await graph.follow("1", "2", 2);
    await users.markPulled("2");
    for (let i = 0; i < 2; i++) await uncached.homeContext("1", { limit: 5 });
    expect(off.rows.map((row) => row.pulled)).toEqual(["2", "2"]);
  });

  it("ships a post's row once, then only its like counts, while it holds the post's content", async () => {
    const schema = await db.freshSchema();
    const users = new PostgresUserStore({ pool: db.pool, schema });
    const posts = new PostgresPostStore({ pool: db.pool, schema });
    for (const id of ["1", "2"]) await users.create({ id, handle: `u${id}`, displayName: id, createdAt: 1 });
    const post = (id: string, extra = {}) => ({
      id,
      authorId: "2",
      text: `post ${id}`,
      createdAt: 1,
      mentions: [],
      media: [],
      deleted: false,
      ...extra,
    });
    for (const id of ["5", "6", "7"]) await posts.insert(post(id));
    await posts.insert(post("8", { text: "", repostOf: { postId: "5", authorId: "2" } }));
    const { pool, rows } = contextRows();
    const store = new PostgresHomeContextStore({ pool, schema, postCacheSize: 4 });
    const read = (ids: string[]) => store.homeContext("1", { limit: 20, timeline: { ids, floor: "0" } });
    await read(["7", "6"]);
    await read(["7", "6"]);
    // The repost is shipped with its original while the original is not held; then both come as counts.
    await read(["8"]);
    await read(["8", "7"]);
    expect(rowsShipped(rows)).toEqual([["6", "7"], [], ["8"], []]);
    const likes = rows.map((row) => (row.likes as string | null)?.split(",").sort() ?? null);
    expect(likes).toEqual([null, ["6:0", "7:0"], null, ["7:0", "8:0:0"]]);
    expect(store.postCacheStats).toMatchObject({ size: 3 });
    // A bound of 4 holds two generations of at most two posts: 6, read least recently, was dropped.
    await read(["6"]);
    expect(rowsShipped(rows).at(-1)).toEqual(["6"]);
    // Off: every read ships every row.
    const off = contextRows();
    const uncached = new PostgresHomeContextStore({ pool: off.pool, schema, postCacheSize: 0 });
    for (let i = 0; i < 2; i++) await uncached.homeContext("1", { limit: 20, timeline: { ids: ["7"], floor: "0" } });
    expect(rowsShipped(off.rows)).toEqual([["7"], ["7"]]);
    expect(uncached.postCacheStats).toBeUndefined();
  });

  it("refuses cache bounds that are not non-negative integers", () => {
    for (const bound of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10" as unknown as number]) {
      const pool = db.pool;
      expect(() => new PostgresHomeContextStore({ pool, followeeCacheIds: bound })).toThrow(/followeeCacheIds/);
      expect(() => new PostgresHomeContextStore({ pool, postCacheSize: bound })).toThrow(/postCacheSize/);
    }
  });

  it("refuses malformed ids with VALIDATION, before querying", async () => {
    const recorded = recordingPool(db.pool);
    const store = new PostgresHomeContextStore({ pool: recorded.pool, schema: await db.freshSchema() });
    for (const id of ["9223372036854775808", "1; DROP TABLE users", "-1", "{1}", "", "a\u0000b"]) {
      expect(await codeOf(() => store.homeContext(id, { limit: 20 }))).toBe("VALIDATION");
      expect(await codeOf(() => store.homeContext("1", { before: id, limit: 20 }))).toBe("VALIDATION");
      const entries = { ids: ["5", id], floor: "1" };
      expect(await codeOf(() => store.homeContext("1", { limit: 20, timeline: entries }))).toBe("VALIDATION");
      const floor = { ids: ["5"], floor: id };
      expect(await codeOf(() => store.homeContext("1", { limit: 20, timeline: floor }))).toBe("VALIDATION");
    }
    expect(recorded.statements).toEqual([]);
  });

  it("is one statement per read", async () => {
    const recorded = recordingPool(db.pool);
    const schema = await db.freshSchema();
    const users = new PostgresUserStore({ pool: db.pool, schema });
    await users.create({ id: "1", handle: "one", displayName: "One", createdAt: 1 });
    const store = new PostgresHomeContextStore({ pool: recorded.pool, schema });
    expect(await store.homeContext("1", { limit: 20 })).toEqual({ followees: [], pulled: [], blocked: [], recent: [] });
    expect(recorded.statements).toHaveLength(1);
    // With the reader's timeline entries, the hydration is in the same statement.
    const posts = new PostgresPostStore({ pool: db.pool, schema });
    // Text the JSON path must carry exactly: NUL (stored escaped), backslashes, quotes, braces, newlines, emoji.
    const text = 'it\'s {tag} * \u0000 \\ "q" \n\t \u{1F600} \\u0000';
    const media = ["https://m.example/a\u0000b.png", "https://m.example/\\.png"];
    await posts.insert({ id: "7", authorId: "1", text, createdAt: 1, mentions: ["1"], media, deleted: false });
    const repost = { postId: "7", authorId: "1" };
    await posts.insert({
      id: "8",
      authorId: "1",
      text: "",
      createdAt: 2,
      mentions: [],
      media: [],
      deleted: false,
      repostOf: repost,
    });
    const page = { limit: 20, timeline: { ids: ["8", "7"], floor: "0" } };
    const context = await store.homeContext("1", page);
    expect(context?.hydrated).toEqual(await posts.hydrate(["7", "8"]));
    expect(context?.hydrated?.get("7")?.post).toMatchObject({ text, media, mentions: ["1"] });
    expect(context?.hydrated?.get("8")?.original?.text).toBe(text);
    expect(recorded.statements).toHaveLength(2);
    // Read again, the posts come from the content the store kept: the same, to the byte.
    expect((await store.homeContext("1", page))?.hydrated).toEqual(await posts.hydrate(["7", "8"]));
    expect(store.postCacheStats).toMatchObject({ hits: 2, size: 2 });
  });
});
