import { describe, expect, it } from "vitest";
import { RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, prefix } = redisTestClients({ cluster: false });

describe("RedisTimelineStore TTL", () => {
  it("declares expires only with ttlSeconds, and sets no TTL without it", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh() });
    expect(store.capabilities).toEqual({ atomicTrim: true, expires: false });
    await store.prepare("1");
    await store.push(["1"], "10");
    await store.fill("1", ["5"], "0");
    expect(await client.ttl(store.keyOf("1"))).toBe(-1);
    expect(new RedisTimelineStore({ client, ttlSeconds: 60 }).capabilities).toEqual({
      atomicTrim: true,
      expires: true,
    });
  });

  it("refreshes the TTL on prepare (of a new timeline), fill, push, merge and read; remove keeps it", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh(), cap: 5, ttlSeconds: 3_600 });
    const key = store.keyOf("1");
    const shorten = () => client.expire(key, 10);
    const ttl = () => client.ttl(key);

    await store.prepare("1");
    expect(await ttl()).toBeGreaterThan(3_590);
    await shorten();
    await store.prepare("1");
    expect(await ttl()).toBeLessThanOrEqual(10);
    await store.push(["1"], "10");
    expect(await ttl()).toBeGreaterThan(3_590);
    await shorten();
    await store.fill("1", ["5"], "0");
    expect(await ttl()).toBeGreaterThan(3_590);
    await shorten();
    await store.push(["1"], "10"); // already there: nothing to write, the TTL is still refreshed
    expect(await ttl()).toBeGreaterThan(3_590);
    await shorten();
    await store.merge("1", ["7"], "0");
    expect(await ttl()).toBeGreaterThan(3_590);
    await shorten();
    expect(await store.read("1", { limit: 5 })).toEqual({ ids: ["10", "7", "5"], floor: "0" });
    expect(await ttl()).toBeGreaterThan(3_590);
    await shorten();
    await store.remove("1", ["7"]);
    await store.removeFromMany(["1"], "5");
    expect(await ttl()).toBeLessThanOrEqual(10);
    expect(await store.read("1", { limit: 5 })).toEqual({ ids: ["10"], floor: "0" });
  });

  it("an expired timeline is absent: reads are null and pushes skip it until it is rebuilt", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh(), ttlSeconds: 60 });
    await store.fill("1", ["5"], "0");
    await client.pexpire(store.keyOf("1"), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.read("1", { limit: 5 })).toBeNull();
    expect(await store.push(["1"], "6")).toBe(0);
    await store.prepare("1");
    await store.fill("1", ["5"], "0");
    expect(await store.read("1", { limit: 5 })).toEqual({ ids: ["5"], floor: "0" });
  });
});

describe("RedisTimelineStore after the cap is lowered", () => {
  it("a timeline over the new cap is trimmed by the next write, raising the floor past what it drops", async () => {
    const base = prefix.fresh();
    const wide = new RedisTimelineStore({ client, prefix: base, cap: 10 });
    const narrow = new RedisTimelineStore({ client, prefix: base, cap: 5 });
    const tens = ["100", "90", "80", "70", "60", "50", "40", "30", "20", "10"];
    await wide.fill("1", tens, "0");
    await wide.fill("2", tens, "0");
    await wide.fill("3", tens, "0");
    // 15 would be trimmed at once: it is not held, and the floor rises to the largest entry dropped.
    expect(await narrow.push(["1"], "15")).toBe(0);
    expect(await narrow.read("1", { limit: 20 })).toEqual({ ids: ["100", "90", "80", "70", "60"], floor: "50" });
    expect(await narrow.push(["2"], "55")).toBe(0);
    expect(await narrow.read("2", { limit: 20 })).toEqual({ ids: ["100", "90", "80", "70", "60"], floor: "55" });
    expect(await narrow.push(["3"], "65")).toBe(1);
    expect(await narrow.read("3", { limit: 20 })).toEqual({ ids: ["100", "90", "80", "70", "65"], floor: "60" });
  });

  it("stale entries a push left under the floor are read right by a store with another cap", async () => {
    const base = prefix.fresh();
    const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(to - i));
    const stores = {
      32: new RedisTimelineStore({ client, prefix: base, cap: 32 }),
      40: new RedisTimelineStore({ client, prefix: base, cap: 40 }),
      30: new RedisTimelineStore({ client, prefix: base, cap: 30 }),
    };
    for (const [user, cap] of [
      ["1", 40],
      ["2", 32],
    ] as const) {
      await stores[cap].fill(user, [], "0");
      for (let n = 1_001; n <= 1_000 + cap + 3; n++) expect(await stores[cap].push([user], String(n))).toBe(1);
      // Three pushes past the cap appended in place: the three oldest entries are stale under the implicit floor.
      expect(await client.strlen(stores[cap].keyOf(user))).toBe(9 + 8 * (cap + 3));
      expect(await stores[cap].read(user, { limit: 100 })).toEqual({ ids: ids(1_004, 1_000 + cap + 3), floor: "1003" });
    }
    // A lower cap: the next push trims to 30 and raises the floor past what it drops.
    expect(await stores[30].push(["1"], "1044")).toBe(1);
    expect(await stores[30].read("1", { limit: 100 })).toEqual({ ids: ids(1_015, 1_044), floor: "1014" });
    // A higher cap: the timeline has room again. The three entries cap 32 only hid behind its implicit floor were
    // never removed, so they come back, under the header's lower floor (see src/lua/includes/timeline.lua).
    expect(await stores[40].push(["2"], "1036")).toBe(1);
    expect(await stores[40].read("2", { limit: 100 })).toEqual({ ids: ids(1_001, 1_036), floor: "0" });
    expect(await stores[40].read("2", { before: "1010", limit: 100 })).toEqual({
      ids: ids(1_001, 1_009),
      floor: "0",
    });
    expect(await stores[32].read("2", { limit: 100 })).toEqual({ ids: ids(1_005, 1_036), floor: "1004" });
  });
});
