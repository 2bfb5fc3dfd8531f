import { snowflakeAt } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { RedisActivityStore, RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, prefix } = redisTestClients({ cluster: false });
const start = Date.UTC(2026, 0, 1);

/** `count` realistic Snowflake ids (one per second), newest first. */
function posts(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => snowflakeAt(start + (offset + count - i) * 1000));
}

async function usage(key: string): Promise<number> {
  const bytes = await client.memory("USAGE", key, "SAMPLES", 0);
  if (typeof bytes !== "number") throw new Error(`no MEMORY USAGE for ${key}`);
  return bytes;
}

describe("RedisTimelineStore memory", () => {
  it("an 800-entry timeline costs at most 12 bytes per entry (MEMORY USAGE)", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh() });
    const users = Array.from({ length: 20 }, (_, i) => String(1_000 + i));
    for (const userId of users) await store.fill(userId, posts(900), "0");
    const perEntry: number[] = [];
    for (const userId of users) {
      expect((await store.read(userId, { limit: 1_000 }))?.ids).toHaveLength(800);
      perEntry.push((await usage(store.keyOf(userId))) / 800);
    }
    const worst = Math.max(...perEntry);
    console.log(`filled 800-entry timelines: ${worst.toFixed(2)} bytes/entry (MEMORY USAGE ${worst * 800} B)`);
    expect(worst).toBeLessThanOrEqual(12);
  });

  it("stays at that size when the timeline was built by pushes and trimmed at the cap", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh() });
    const users = ["1", "2", "3", "4", "5"];
    for (const userId of users) await store.fill(userId, [], "0");
    for (const id of posts(900).reverse()) expect(await store.push(users, id)).toBe(users.length);
    let worst = 0;
    for (const userId of users) {
      const slice = await store.read(userId, { limit: 1_000 });
      expect(slice?.ids).toHaveLength(800);
      expect(slice?.floor).toBe(posts(900)[800]);
      worst = Math.max(worst, (await usage(store.keyOf(userId))) / 800);
    }
    console.log(`pushed 900 posts into 800-entry timelines: ${worst.toFixed(2)} bytes/entry`);
    expect(worst).toBeLessThanOrEqual(12);
  });

  it("never doubles an allocation: not while a timeline grows, nor across the cycles of pushes at the cap", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh() });
    await store.fill("1", [], "0");
    const key = store.keyOf("1");
    // What the key itself costs (its name, the dictionary entry, the object header): a one-byte value on a key of the
    // same length.
    const twin = `${key.slice(0, -3)}{x}`;
    await client.set(twin, "x");
    const overhead = await usage(twin);
    let worstGrowing = 0;
    let worstAtCap = 0;
    const ids = posts(1_200).reverse();
    for (const [i, id] of ids.entries()) {
      await store.push(["1"], id);
      const entries = Math.min(i + 1, 800);
      const bytes = await usage(key);
      // Past 256 bytes a timeline is allocated in jemalloc size classes (at most 25% over its length).
      if (entries >= 32 && entries < 800) worstGrowing = Math.max(worstGrowing, (bytes - overhead) / (9 + 8 * entries));
      if (i + 1 >= 800) worstAtCap = Math.max(worstAtCap, bytes / 800);
    }
    console.log(
      `growing: allocation at most ${worstGrowing.toFixed(2)}x the string's length; ` +
        `at the cap, 400 more pushes: at most ${worstAtCap.toFixed(2)} bytes/entry`,
    );
    expect(worstGrowing).toBeLessThanOrEqual(1.3);
    expect(worstAtCap).toBeLessThanOrEqual(12);
    expect((await store.read("1", { limit: 1_000 }))?.ids).toEqual(ids.slice(400).reverse());
  });

  it("for comparison, a sorted set of the same 800 ids (not used; printed only)", async () => {
    const key = `${prefix.fresh()}zset`;
    const ids = posts(800);
    await client.zadd(key, ...ids.flatMap((id, i) => [i, id]));
    console.log(`a sorted set of 800 ids: ${((await usage(key)) / 800).toFixed(1)} bytes/entry`);
  });
});

describe("RedisActivityStore memory", () => {
  it("last-seen times cost ~25 bytes per user in listpack buckets", async () => {
    const users = 10_000;
    const store = new RedisActivityStore({ client, prefix: prefix.fresh(), buckets: users / 100 });
    const ids = Array.from({ length: users }, (_, i) => snowflakeAt(start + i));
    await store.touchMany(ids.map((id, i) => [id, start + i * 7]));
    expect(await store.lastSeen([ids[0]!, ids[9_999]!])).toEqual([start, start + 9_999 * 7]);
    let cursor = "0";
    let total = 0;
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix.base}*seen:*`, "COUNT", 1000);
      cursor = next;
      for (const key of keys) total += await usage(key);
    } while (cursor !== "0");
    console.log(`activity: ${(total / users).toFixed(1)} bytes/user (${users} users in ${users / 100} buckets)`);
    expect(total / users).toBeLessThanOrEqual(32);
  });
});
