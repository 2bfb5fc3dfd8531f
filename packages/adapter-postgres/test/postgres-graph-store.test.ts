import { graphStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import { PostgresGraphStore } from "../src/index.js";
import { codeOf, recordingPool, testDatabase } from "./test-database.js";

const db = testDatabase();
const freshStore = async () => new PostgresGraphStore({ pool: db.pool, schema: await db.freshSchema() });

graphStoreContract("PostgresGraphStore", freshStore);

/** A fixed-seed generator (no Math.random in tests). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The counter rows that disagree with COUNT(*) over the follows table (none when the counters are exact). */
async function driftedCounters(schema: string): Promise<unknown[]> {
  const { rows } = await db.pool.query(
    `WITH actual AS (
       SELECT user_id, sum(followers)::bigint AS followers, sum(following)::bigint AS following FROM (
         SELECT followee_id AS user_id, 1 AS followers, 0 AS following FROM "${schema}".follows
         UNION ALL SELECT follower_id, 0, 1 FROM "${schema}".follows
       ) edges GROUP BY user_id
     )
     SELECT coalesce(a.user_id, c.user_id)::text AS user_id FROM actual a
     FULL JOIN "${schema}".follow_counts c ON c.user_id = a.user_id
     WHERE coalesce(a.followers, 0) <> coalesce(c.followers, 0) OR coalesce(a.following, 0) <> coalesce(c.following, 0)`,
  );
  return rows;
}

describe("PostgresGraphStore", () => {
  it("imports 100,000 edges with COPY, skipping repeats, self-follows and blocked pairs, with exact counters", async () => {
    const schema = await db.freshSchema();
    const recorded = recordingPool(db.pool);
    const store = new PostgresGraphStore({ pool: recorded.pool, schema });
    await store.block("1", "2");
    await store.block("3", "1");
    await store.follow("5", "6", 1);
    const random = lcg(100_000);
    const edges: [string, string][] = [
      ["1", "2"],
      ["2", "1"],
      ["1", "3"],
      ["5", "6"],
      ["7", "7"],
    ];
    while (edges.length < 100_000) {
      edges.push([String(1 + Math.floor(random() * 4000)), String(1 + Math.floor(random() * 4000))]);
    }
    const expected = new Set<string>(["5>6"]);
    for (const [a, b] of edges) {
      const blocked =
        (a === "1" && b === "2") || (a === "2" && b === "1") || (a === "1" && b === "3") || (a === "3" && b === "1");
      if (a !== b && !blocked) expected.add(`${a}>${b}`);
    }
    const started = performance.now();
    const created = await store.followMany(edges, 7);
    console.log(`followMany: 100,000 edges (${created} new) in ${(performance.now() - started).toFixed(0)} ms`);
    expect(created).toBe(expected.size - 1);
    expect(await store.followedAt("5", "6")).toBe(1);
    expect(await store.isFollowing("1", ["2", "3"])).toEqual([false, false]);
    expect(await driftedCounters(schema)).toEqual([]);
    const followersOf42 = [...expected].filter((e) => e.endsWith(">42")).map((e) => e.split(">")[0]!);
    followersOf42.sort((a, b) => Number(a) - Number(b));
    const paged: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await store.followers("42", after === undefined ? { limit: 7 } : { after, limit: 7 });
      paged.push(...page);
      if (page.length < 7) break;
      after = page[page.length - 1];
    }
    expect(paged).toEqual(followersOf42);
    expect(await store.counts("42")).toMatchObject({ followers: followersOf42.length });

    await db.pool.query(`ANALYZE "${schema}".follows`);
    const followersSql = recorded.statements.findLast((sql) => sql.includes("follower_id > $2"))!;
    const { rows } = await db.pool.query(`EXPLAIN ${followersSql}`, ["42", "100", 1000]);
    const plan = rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n");
    // The keyset bound is an index condition on (followee_id, follower_id): a page costs its own rows, not the
    // rows before it, however deep into millions of followers it starts.
    expect(plan).toMatch(/Index Cond: \(\(followee_id = '42'::bigint\) AND \(follower_id > '100'::bigint\)\)/);
    expect(plan).toContain("follows_followee_key");
  });

  it("writes nothing when one edge of a bulk load is malformed", async () => {
    const store = await freshStore();
    const edges: [string, string][] = [
      ["1", "2"],
      ["3", "9223372036854775808"],
    ];
    expect(await codeOf(() => store.followMany(edges, 1))).toBe("VALIDATION");
    expect(await store.counts("1")).toEqual({ followers: 0, following: 0 });
  });

  it("never lets a follow slip in across a concurrent block, in either direction", async () => {
    const schema = await db.freshSchema();
    const store = new PostgresGraphStore({ pool: db.pool, schema });
    const pairs = Array.from({ length: 40 }, (_, i) => [String(2 * i + 1), String(2 * i + 2)] as const);
    await Promise.all(
      pairs.flatMap(([a, b], i) => [
        store.follow(a, b, 1),
        i % 2 === 0 ? store.block(b, a) : store.block(a, b),
        store.follow(b, a, 1),
      ]),
    );
    for (const [a, b] of pairs) {
      expect(await store.blockedEither(a, [b])).toEqual([true]);
      expect(await store.isFollowing(a, [b])).toEqual([false]);
      expect(await store.isFollowing(b, [a])).toEqual([false]);
    }
    expect(await driftedCounters(schema)).toEqual([]);
  });

  it("keeps counters exact under concurrent follows, unfollows and bulk loads of overlapping users", async () => {
    const schema = await db.freshSchema();
    const store = new PostgresGraphStore({ pool: db.pool, schema });
    const random = lcg(7);
    const pick = () => String(1 + Math.floor(random() * 30));
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const [a, b] = [pick(), pick()];
      if (i % 3 === 2) work.push(store.unfollow(a, b));
      else if (i % 50 === 0)
        work.push(
          store.followMany(
            [
              [a, b],
              [b, a],
              [pick(), pick()],
            ],
            2,
          ),
        );
      else work.push(store.follow(a, b, 1));
    }
    await Promise.all(work);
    expect(await driftedCounters(schema)).toEqual([]);
  });

  it("refuses ids above 2^63 - 1 and malformed ids with VALIDATION, before querying", async () => {
    const recorded = recordingPool(db.pool);
    const store = new PostgresGraphStore({ pool: recorded.pool, schema: await db.freshSchema() });
    expect(await store.follow("9223372036854775807", "1", 1)).toBe("created");
    recorded.statements.length = 0;
    for (const id of ["9223372036854775808", "18446744073709551615", "1; DROP TABLE follows", "-1", "{1}", ""]) {
      expect(await codeOf(() => store.follow(id, "1", 1))).toBe("VALIDATION");
      expect(await codeOf(() => store.block("1", id))).toBe("VALIDATION");
      expect(await codeOf(() => store.isFollowing("1", ["2", id]))).toBe("VALIDATION");
      expect(await codeOf(() => store.followers("1", { after: id, limit: 5 }))).toBe("VALIDATION");
      expect(await codeOf(() => store.blockedEither("1", [id]))).toBe("VALIDATION");
    }
    expect(await codeOf(() => store.follow("1", "2", Number.NaN))).toBe("VALIDATION");
    expect(recorded.statements).toEqual([]);
    expect(await store.followers("1", { limit: 10 })).toEqual(["9223372036854775807"]);
  });
});
