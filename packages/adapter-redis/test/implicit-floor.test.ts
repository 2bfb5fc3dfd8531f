/**
 * The implicit floor (src/lua/includes/timeline.lua): a push into a full timeline only appends, and the entry just
 * before the last `cap` is a floor the store sees without it being written. These cases would break if a script
 * trusted the implicit floor where another cap reads the same timeline: an insert it turns away, a remove of an entry
 * it hides, a merge below it; and timelines written by the older layout (floor raised in place) must read the same.
 */
import { describe, expect, it } from "vitest";
import { RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, prefix } = redisTestClients({ cluster: false });

/** Ids from `from` to `to` by `step`, newest first (as reads return them). */
function ids(from: number, to: number, step = 1): string[] {
  const out: string[] = [];
  for (let n = to; n >= from; n -= step) out.push(String(n));
  return out;
}

/** Stores with caps 30, 40 and 50 on the same keys; user 1's timeline is 2002, 2004, ... 2090, pushed by cap 40. */
async function pushedPastTheCap() {
  const base = prefix.fresh();
  const stores = {
    30: new RedisTimelineStore({ client, prefix: base, cap: 30 }),
    40: new RedisTimelineStore({ client, prefix: base, cap: 40 }),
    50: new RedisTimelineStore({ client, prefix: base, cap: 50 }),
  };
  await stores[40].fill("1", [], "0");
  for (let n = 2_002; n <= 2_090; n += 2) expect(await stores[40].push(["1"], String(n))).toBe(1);
  // 45 entries, appended in place: the five oldest are hidden from cap 40, not written under its floor.
  expect(await client.strlen(stores[40].keyOf("1"))).toBe(9 + 8 * 45);
  expect(await stores[40].read("1", { limit: 100 })).toEqual({ ids: ids(2_012, 2_090, 2), floor: "2010" });
  return stores;
}

describe("RedisTimelineStore's implicit floor", () => {
  it("each cap sees the newest `cap` entries; a higher cap sees the hidden ones", async () => {
    const stores = await pushedPastTheCap();
    expect(await stores[30].read("1", { limit: 100 })).toEqual({ ids: ids(2_032, 2_090, 2), floor: "2030" });
    expect(await stores[50].read("1", { limit: 100 })).toEqual({ ids: ids(2_002, 2_090, 2), floor: "0" });
    expect(await stores[40].read("1", { before: "2020", limit: 100 })).toEqual({
      ids: ids(2_012, 2_018, 2),
      floor: "2010",
    });
  });

  it("an insert turned away by the implicit floor writes it, so a higher cap shows no hole", async () => {
    const stores = await pushedPastTheCap();
    expect(await stores[40].push(["1"], "2005")).toBe(0);
    expect(await stores[40].push(["1"], "2004")).toBe(0); // a hidden entry is not held either
    expect(await stores[40].read("1", { limit: 100 })).toEqual({ ids: ids(2_012, 2_090, 2), floor: "2010" });
    expect(await stores[50].read("1", { limit: 100 })).toEqual({ ids: ids(2_012, 2_090, 2), floor: "2010" });
  });

  it("an out-of-order insert at the cap trims the oldest entry, or itself when it is older than all", async () => {
    const stores = await pushedPastTheCap();
    expect(await stores[40].push(["1"], "2011")).toBe(0);
    expect(await stores[40].read("1", { limit: 100 })).toEqual({ ids: ids(2_012, 2_090, 2), floor: "2011" });
    expect(await stores[40].push(["1"], "2013")).toBe(1);
    expect(await stores[40].read("1", { limit: 100 })).toEqual({
      ids: [...ids(2_014, 2_090, 2), "2013"],
      floor: "2012",
    });
    expect(await stores[50].read("1", { limit: 100 })).toEqual({
      ids: [...ids(2_014, 2_090, 2), "2013"],
      floor: "2012",
    });
  });

  it("a remove takes out an entry this cap hides, so no other cap shows it again", async () => {
    const stores = await pushedPastTheCap();
    await stores[40].remove("1", ["2004"]);
    expect(await stores[50].read("1", { limit: 100 })).toEqual({ ids: ids(2_012, 2_090, 2), floor: "2010" });
  });

  it("a remove at the cap keeps the floor: a hidden entry does not come back", async () => {
    const stores = await pushedPastTheCap();
    await stores[40].removeFromMany(["1"], "2050");
    const left = ids(2_012, 2_090, 2).filter((id) => id !== "2050");
    expect(await stores[40].read("1", { limit: 100 })).toEqual({ ids: left, floor: "2010" });
    expect(await stores[50].read("1", { limit: 100 })).toEqual({ ids: left, floor: "2010" });
    expect(await stores[40].push(["1"], "2092")).toBe(1);
    expect(await stores[40].read("1", { limit: 100 })).toEqual({ ids: ["2092", ...left], floor: "2010" });
  });

  it("a merge below the implicit floor adds nothing and writes that floor", async () => {
    const stores = await pushedPastTheCap();
    await stores[40].merge("1", ["2007", "2009"], "0");
    expect(await stores[50].read("1", { limit: 100 })).toEqual({ ids: ids(2_012, 2_090, 2), floor: "2010" });
  });

  it("pushes cross many rewrites at the cap and stay exact (idempotent, ordered, capped)", async () => {
    const store = new RedisTimelineStore({ client, prefix: prefix.fresh(), cap: 40 });
    await store.fill("1", [], "0");
    for (let n = 1; n <= 300; n++) {
      expect(await store.push(["1"], String(3_000 + n))).toBe(1);
      expect(await store.push(["1"], String(3_000 + n))).toBe(1);
    }
    expect(await store.read("1", { limit: 100 })).toEqual({ ids: ids(3_261, 3_300), floor: "3260" });
    expect(await client.strlen(store.keyOf("1"))).toBeLessThan(9 + 8 * 48);
  });

  it("reads a timeline written by the older layout (floor raised in place) as it was", async () => {
    const base = prefix.fresh();
    const store = new RedisTimelineStore({ client, prefix: base, cap: 40 });
    const wider = new RedisTimelineStore({ client, prefix: base, cap: 45 });
    // 1001..1043 with the floor raised in place to 1003: the older layout's 40-entry timeline, three entries stale.
    const value = Buffer.alloc(9 + 8 * 43);
    value.writeBigUInt64BE(1_003n, 0);
    value[8] = 1;
    for (let i = 0; i < 43; i++) value.writeBigUInt64BE(BigInt(1_001 + i), 9 + 8 * i);
    for (const user of ["1", "2"]) await client.setrange(store.keyOf(user), 0, value);
    expect(await store.read("1", { limit: 100 })).toEqual({ ids: ids(1_004, 1_043), floor: "1003" });
    expect(await wider.read("1", { limit: 100 })).toEqual({ ids: ids(1_004, 1_043), floor: "1003" });
    expect(await store.push(["1", "2"], "1044")).toBe(2);
    expect(await store.read("1", { limit: 100 })).toEqual({ ids: ids(1_005, 1_044), floor: "1004" });
    expect(await wider.push(["2"], "1002")).toBe(0);
    expect(await wider.read("2", { limit: 100 })).toEqual({ ids: ids(1_004, 1_044), floor: "1003" });
  });
});
