import type { PostRecord } from "@feed-engine/core";
import { postStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import { type PgQueryable, PostgresPostStore } from "../src/index.js";
import { codeOf, recordingPool, testDatabase } from "./test-database.js";

const db = testDatabase();
const freshStore = async () => new PostgresPostStore({ pool: db.pool, schema: await db.freshSchema() });

postStoreContract("PostgresPostStore", freshStore);

function post(id: string, authorId: string, text = `post ${id}`): PostRecord {
  return { id, authorId, text, createdAt: 1_700_000_000_000, mentions: [], media: [], deleted: false };
}

function repost(id: string, authorId: string, original: PostRecord): PostRecord {
  return { ...post(id, authorId, ""), repostOf: { postId: original.id, authorId: original.authorId } };
}

describe("PostgresPostStore", () => {
  it("hydrates a page of posts, reposts and originals with like counts in one query", async () => {
    const schema = await db.freshSchema();
    const recorded = recordingPool(db.pool);
    const store = new PostgresPostStore({ pool: recorded.pool, schema });
    const originals = Array.from({ length: 10 }, (_, i) => post(String(100 + i), String(i + 1)));
    const reposts = originals.map((o, i) => repost(String(200 + i), "99", o));
    for (const p of [...originals, ...reposts]) await store.insert(p);
    for (const o of originals.slice(0, 5)) await store.like({ userId: "7", postId: o.id, id: `3${o.id}`, at: 1 });
    await store.delete(originals[9]!.id);
    recorded.statements.length = 0;
    const page = await store.hydrate([...reposts, ...originals].map((p) => p.id));
    expect(recorded.statements).toHaveLength(1);
    expect(page.size).toBe(19);
    expect(page.get("200")?.original).toMatchObject({ id: "100", likeCount: 1 });
    expect(page.get("205")?.original).toMatchObject({ id: "105", likeCount: 0 });
    expect(page.get("209")?.original).toBeUndefined();
    expect(page.has("109")).toBe(false);
  });

  it("reads a page of 1,000 followed authors with one statement over the author index", async () => {
    const schema = await db.freshSchema();
    const recorded = recordingPool(db.pool);
    const store = new PostgresPostStore({ pool: recorded.pool, schema });
    for (let i = 0; i < 50; i++) await store.insert(post(String(1000 + i), String(i % 7)));
    const authors = Array.from({ length: 1000 }, (_, i) => String(i));
    recorded.statements.length = 0;
    const page = await store.byAuthors(authors, { before: "1040", limit: 5 });
    expect(page).toEqual(["1039", "1038", "1037", "1036", "1035"]);
    expect(recorded.statements).toHaveLength(1);
    const { rows } = await db.pool.query(`EXPLAIN ${recorded.statements[0]}`, [authors, "1040", null, 5]);
    expect(rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n")).toContain("posts_author_live");
  });

  it("keeps one live repost per author and original when two are inserted at once", async () => {
    const store = await freshStore();
    const original = post("1000", "1");
    await store.insert(original);
    const attempts = Array.from({ length: 8 }, (_, i) => repost(String(2000 + i), "2", original));
    const results = await Promise.all(attempts.map((r) => store.insert(r)));
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([created[0]!.id]));
    expect(await store.findReposts("1000", ["2"])).toEqual([created[0]!.id]);
    expect(await store.countByAuthor("2")).toBe(1);
  });

  it("keeps counters exact under concurrent likes, unlikes and deletes", async () => {
    const store = await freshStore();
    const target = post("1000", "1");
    await store.insert(target);
    const likers = Array.from({ length: 40 }, (_, i) => String(i + 10));
    await Promise.all(likers.map((u, i) => store.like({ userId: u, postId: "1000", id: String(5000 + i), at: i })));
    await Promise.all([
      ...likers.slice(0, 15).map((u) => store.unlike(u, "1000")),
      ...likers.slice(0, 15).map((u) => store.unlike(u, "1000")),
    ]);
    expect((await store.hydrate(["1000"])).get("1000")?.post.likeCount).toBe(25);
    const mine = Array.from({ length: 20 }, (_, i) => post(String(3000 + i), "5"));
    await Promise.all(mine.map((p) => store.insert(p)));
    await Promise.all([...mine.slice(0, 8), ...mine.slice(0, 8)].map((p) => store.delete(p.id)));
    expect(await store.countByAuthor("5")).toBe(12);
  });

  it("stores hostile strings verbatim as data, never as SQL", async () => {
    const schema = await db.freshSchema();
    const store = new PostgresPostStore({ pool: db.pool, schema });
    const hostile = [
      "'); DROP TABLE posts; --",
      `"; DROP SCHEMA "${schema}" CASCADE; --`,
      "$1 $2 $$ $tag$",
      "{tag}",
      "*",
      "\\\\0",
      "\\",
      "a\u0000b\\0",
      '{"a","b"}',
      "NULL",
    ];
    for (const [i, text] of hostile.entries()) {
      const p = { ...post(String(100 + i), "1", text), media: [text, "NULL", "{x,y}"] };
      expect(await store.insert(p)).toEqual({ created: true, id: p.id });
      expect(await store.get(p.id)).toEqual(p);
    }
    expect(await store.countByAuthor("1")).toBe(hostile.length);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${schema}".posts`);
    expect(rows[0].n).toBe(hostile.length);
  });

  it("refuses ids above 2^63 - 1 and malformed ids with VALIDATION, before querying", async () => {
    const recorded = recordingPool(db.pool);
    const store = new PostgresPostStore({ pool: recorded.pool, schema: await db.freshSchema() });
    expect(await store.insert(post("9223372036854775807", "9223372036854775807"))).toMatchObject({ created: true });
    recorded.statements.length = 0;
    for (const id of ["9223372036854775808", "18446744073709551615", "-5", "007", "1 OR 1=1", "0x10"]) {
      expect(await codeOf(() => store.insert(post(id, "1")))).toBe("VALIDATION");
      expect(await codeOf(() => store.insert(post("5", id)))).toBe("VALIDATION");
      expect(await codeOf(() => store.insert({ ...post("5", "1"), mentions: ["2", id] }))).toBe("VALIDATION");
      expect(await codeOf(() => store.get(id))).toBe("VALIDATION");
      expect(await codeOf(() => store.hydrate(["1", id]))).toBe("VALIDATION");
      expect(await codeOf(() => store.byAuthors(["1"], { before: id, limit: 5 }))).toBe("VALIDATION");
      expect(await codeOf(() => store.like({ userId: "1", postId: "1", id, at: 1 }))).toBe("VALIDATION");
    }
    expect(recorded.statements).toEqual([]);
    expect(await store.get("5")).toBeUndefined();
  });

  it("refuses values it cannot store exactly with VALIDATION", async () => {
    const store = await freshStore();
    expect(await codeOf(() => store.insert(post("1", "1", "\ud800")))).toBe("VALIDATION");
    expect(await codeOf(() => store.insert(post("1", "1", "x".repeat(70_000))))).toBe("VALIDATION");
    expect(await codeOf(() => store.insert({ ...post("1", "1"), createdAt: 1.5 }))).toBe("VALIDATION");
    expect(await codeOf(() => store.insert({ ...post("1", "1"), media: Array(1001).fill("x") }))).toBe("VALIDATION");
    expect(await store.get("1")).toBeUndefined();
  });

  describe("insertMany", () => {
    it("writes the same rows as insert, NUL escaped and flagged, hostile array elements intact", async () => {
      const schema = await db.freshSchema();
      const store = new PostgresPostStore({ pool: db.pool, schema });
      const hostile = ['"', "\\", "\\0", "a\u0000b", "\u0000\\", "{x,y}", "NULL", "a,b", "\\N", "\t\n\r", " ", ""];
      const make = (base: number) =>
        hostile.map((text, i) => ({
          ...post(String(base + i), "1", text),
          media: [text, `${text}"${text}`, "NULL"],
          mentions: ["2", "9223372036854775807"],
          ...(i % 3 === 0 ? { replyTo: { postId: "5", authorId: "6" } } : {}),
          ...(i % 3 === 1 ? { repostOf: { postId: String(base + 1000 + i), authorId: "6" } } : {}),
        }));
      const one = make(100);
      for (const p of one) await store.insert(p);
      const many = make(200);
      expect(await store.insertMany(many)).toBe(many.length);
      const { rows } = await db.pool.query(
        `SELECT id::int - 100 AS k, author_id, text, created_at, reply_to_post_id, reply_to_author_id,
           repost_of_post_id - id AS repost_offset, repost_of_author_id, mentions::text[] AS mentions, media, deleted,
           nul_escaped
         FROM "${schema}".posts ORDER BY id`,
      );
      const byInsert = rows.filter((r: { k: number }) => r.k < 100);
      const byInsertMany = rows
        .filter((r: { k: number }) => r.k >= 100)
        .map((r: { k: number }) => ({ ...r, k: r.k - 100 }));
      expect(byInsertMany).toEqual(byInsert);
      expect(rows.filter((r: { nul_escaped: boolean }) => r.nul_escaped)).toHaveLength(4);
      for (const p of many) expect(await store.get(p.id)).toEqual(p);
      expect(await store.countByAuthor("1")).toBe(2 * hostile.length);
    });

    it("keeps counters exact and repost uniqueness under concurrent loads and inserts", async () => {
      const schema = await db.freshSchema();
      const store = new PostgresPostStore({ pool: db.pool, schema });
      const original = post("1", "100");
      await store.insert(original);
      const batches = Array.from({ length: 4 }, (_, b) =>
        Array.from({ length: 2_000 }, (_, i) => post(String(10_000 + i * 4 + b), String(i % 50))),
      );
      // Every batch also reposts the original as users 0-49, and overlaps the next batch's ids by 100.
      batches.forEach((batch, b) => {
        for (let u = 0; u < 50; u++) batch.push(repost(String(100_000 + b * 100 + u), String(u), original));
        batch.push(...batches[(b + 1) % 4]!.slice(0, 100));
      });
      const singles = Array.from({ length: 100 }, (_, i) => repost(String(200_000 + i), String(i % 60), original));
      const results = await Promise.all([
        ...batches.map((batch) => store.insertMany(batch)),
        ...singles.map((r) => store.insert(r)),
      ]);
      const created = (results.slice(0, 4) as number[]).reduce((a, b) => a + b, 0);
      const singleCreated = (results.slice(4) as { created: boolean }[]).filter((r) => r.created).length;
      expect(created + singleCreated).toBe(8_000 + 60);
      for (let u = 0; u < 60; u++) expect(await store.findReposts("1", [String(u)])).toHaveLength(1);
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${schema}".posts`);
      expect(rows[0].n).toBe(1 + 8_000 + 60);
      for (let u = 0; u < 60; u++) {
        const author = String(u);
        const live = (await store.byAuthor(author, { limit: 10_000 })).length;
        expect(await store.countByAuthor(author)).toBe(live);
        expect(live).toBe(u < 50 ? 8_000 / 50 + 1 : 1);
      }
    });

    it("refuses a queryable without connect with VALIDATION, and checks records first", async () => {
      const schema = await db.freshSchema();
      const clientOnly = { query: db.pool.query.bind(db.pool) } as unknown as PgQueryable;
      const store = new PostgresPostStore({ pool: clientOnly, schema });
      expect(await codeOf(() => store.insertMany([post("1", "1")]))).toBe("VALIDATION");
      expect(await store.insertMany([])).toBe(0);
      const pooled = new PostgresPostStore({ pool: db.pool, schema });
      const tooLong = { ...post("2", "1"), media: ["x".repeat(70_000)] };
      expect(await codeOf(() => pooled.insertMany([post("3", "1"), tooLong]))).toBe("VALIDATION");
      expect(await codeOf(() => pooled.insertMany([post("3", "1"), post("9223372036854775808", "1")]))).toBe(
        "VALIDATION",
      );
      expect(await pooled.get("3")).toBeUndefined();
      expect(await pooled.countByAuthor("1")).toBe(0);
    });

    it("loads 50,000 posts in batches of 10,000", async () => {
      const store = await freshStore();
      const started = performance.now();
      let created = 0;
      for (let b = 0; b < 5; b++) {
        const batch = Array.from({ length: 10_000 }, (_, i) => {
          const n = b * 10_000 + i;
          return post(String(1_000_000_000_000_000_000n + BigInt(n)), String(1 + (n % 5_000)));
        });
        created += await store.insertMany(batch);
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `insertMany: 50,000 posts in ${(seconds * 1000).toFixed(0)} ms (${Math.round(50_000 / seconds)} posts/s)`,
      );
      expect(created).toBe(50_000);
      expect(await store.countByAuthor("5000")).toBe(10);
    });
  });
});
