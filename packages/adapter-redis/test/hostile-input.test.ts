import { isFeedError } from "@feed-engine/core";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisActivityStore, RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

const { client, cluster, prefix } = redisTestClients();

/** Strings and values that are not canonical ids from 0 to 2^63-1; none may reach Redis. */
const hostile: unknown[] = [
  "'; DROP TABLE timelines; --",
  "{tag}",
  "1}{2",
  "*",
  "1*",
  "1\u0000",
  "\u0000",
  "1\r\nFLUSHALL\r\n",
  "",
  "01",
  "-1",
  "+1",
  "1.5",
  "1e3",
  "0x10",
  " 1",
  "1 ",
  "9223372036854775808",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999",
  "١٢",
  "１",
  1,
  1n,
  null,
  undefined,
  {},
  ["1"],
];

/** Every key under `base` with its raw value, to prove a rejected call wrote nothing. */
async function everything(base: string): Promise<Record<string, string>> {
  const keys = await client.keys(`${base}*`);
  const values: Record<string, string> = {};
  for (const key of keys.sort()) {
    const type = await client.type(key);
    values[key] = type === "string" ? ((await client.getBuffer(key))?.toString("hex") ?? "") : type;
  }
  return values;
}

async function expectValidation(call: () => Promise<unknown>, shown: unknown): Promise<void> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(isFeedError(caught, "VALIDATION"), `expected VALIDATION for ${String(shown)}, got ${String(caught)}`).toBe(
    true,
  );
}

describe("RedisTimelineStore rejects hostile input before it reaches Redis", () => {
  for (const [name, redis] of [
    ["standalone", client],
    ["cluster", cluster],
  ] as const) {
    it(`${name}: every id argument of every call`, async () => {
      const base = prefix.fresh();
      const store = new RedisTimelineStore({ client: redis, prefix: base, cap: 5 });
      await store.fill("1", ["30", "20", "10"], "0");
      const state = name === "standalone" ? await everything(base) : undefined;
      const untouched = { ids: ["30", "20", "10"], floor: "0" };
      for (const bad of hostile) {
        const id = bad as string;
        const calls: (() => Promise<unknown>)[] = [
          () => store.prepare(id),
          () => store.fill(id, ["1"], "0"),
          () => store.fill("1", ["40", id], "0"),
          () => store.fill("1", ["40"], id),
          () => store.push(["1", id], "40"),
          () => store.push(["1"], id),
          () => store.merge(id, ["40"], "0"),
          () => store.merge("1", [id, "40"], "0"),
          () => store.merge("1", ["40"], id),
          () => store.read(id, { limit: 5 }),
          // An undefined `before` is allowed: it means from the newest entry.
          () => (bad === undefined ? store.read("", { limit: 5 }) : store.read("1", { before: id, limit: 5 })),
          () => store.remove(id, ["30"]),
          () => store.remove("1", ["30", id]),
          () => store.removeFromMany(["1", id], "30"),
          () => store.removeFromMany(["1"], id),
          () => store.drop(id),
          () => Promise.resolve(store.keyOf(id)),
        ];
        for (const call of calls) await expectValidation(call, bad);
      }
      await expectValidation(() => store.push("1" as unknown as string[], "40"), "a string as userIds");
      await expectValidation(() => store.fill("1", "40" as unknown as string[], "0"), "a string as ids");
      await expectValidation(() => store.read("1", { limit: Number.NaN }), "limit NaN");
      await expectValidation(() => store.read("1", { limit: "5" as unknown as number }), "limit '5'");
      await expectValidation(() => store.read("1", undefined as unknown as { limit: number }), "range undefined");
      expect(await store.read("1", { limit: 5 })).toEqual(untouched);
      if (state !== undefined) expect(await everything(base)).toEqual(state);
    });
  }

  it("rejects bad options and prefixes that would carry a hash tag", async () => {
    for (const cap of [0, -1, 1.5, Number.NaN, "5"]) {
      await expectValidation(async () => new RedisTimelineStore({ client, cap: cap as number }), `cap ${cap}`);
    }
    for (const ttlSeconds of [0, -5, 1.5, Number.POSITIVE_INFINITY]) {
      await expectValidation(async () => new RedisTimelineStore({ client, ttlSeconds }), `ttl ${ttlSeconds}`);
    }
    for (const bad of ["{x}", "a{", "}", 5]) {
      await expectValidation(async () => new RedisTimelineStore({ client, prefix: bad as string }), `prefix ${bad}`);
      await expectValidation(async () => new RedisActivityStore({ client, prefix: bad as string }), `prefix ${bad}`);
    }
    const tagged = new Redis(client.options.port ?? 6379, client.options.host ?? "127.0.0.1", {
      lazyConnect: true,
      keyPrefix: "app{1}:",
    });
    await expectValidation(async () => new RedisTimelineStore({ client: tagged }), "client keyPrefix {1}");
    tagged.disconnect();
    for (const buckets of [0, 1.5, 2 ** 24 + 1]) {
      await expectValidation(async () => new RedisActivityStore({ client, buckets }), `buckets ${buckets}`);
    }
  });

  it("a key of the store that holds something else fails with CONFLICT, never corrupting it further", async () => {
    const base = prefix.fresh();
    const store = new RedisTimelineStore({ client, prefix: base, cap: 5 });
    await client.set(store.keyOf("1"), "not a timeline");
    await client.hset(store.keyOf("2"), "a", "b");
    for (const userId of ["1", "2"]) {
      for (const call of [
        () => store.push([userId], "5"),
        () => store.fill(userId, ["5"], "0"),
        () => store.merge(userId, ["5"], "0"),
        () => store.read(userId, { limit: 5 }),
        () => store.remove(userId, ["5"]),
        () => store.removeFromMany([userId], "5"),
      ]) {
        await expect(call()).rejects.toMatchObject({ name: "FeedError", code: "CONFLICT" });
      }
    }
    expect(await client.get(store.keyOf("1"))).toBe("not a timeline");
    await store.drop("1");
    await store.drop("2");
    await store.fill("1", ["5"], "0");
    expect(await store.read("1", { limit: 5 })).toEqual({ ids: ["5"], floor: "0" });
  });
});

describe("RedisTimelineStore leaves a foreign value under its key as it was", () => {
  it("a push that appends before it can tell puts the value back, TTL and all, and fails with CONFLICT", async () => {
    const base = prefix.fresh();
    const store = new RedisTimelineStore({ client, prefix: base, cap: 5, ttlSeconds: 60 });
    // Lengths of 16 bytes and more are only checked after the APPEND (push reads the last 16 bytes, not the length).
    const values = ["sixteen bytes!!!", "a value of some twenty-six", "\u0000".repeat(32)];
    for (const [i, value] of values.entries()) {
      const key = store.keyOf(String(i + 1));
      await client.set(key, value, "EX", 1_000);
      await expect(store.push([String(i + 1)], "9223372036854775807")).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await client.get(key)).toBe(value);
      expect(await client.ttl(key)).toBeGreaterThan(990);
    }
  });
});

describe("RedisActivityStore rejects hostile input before it reaches Redis", () => {
  it("ids and times", async () => {
    const base = prefix.fresh();
    const store = new RedisActivityStore({ client, prefix: base });
    await store.touch("1", 1_000);
    const state = await everything(base);
    for (const bad of hostile) {
      const id = bad as string;
      await expectValidation(() => store.touch(id, 5), bad);
      await expectValidation(
        () =>
          store.touchMany([
            ["1", 5],
            [id, 5],
          ]),
        bad,
      );
      await expectValidation(() => store.lastSeen(["1", id]), bad);
    }
    for (const at of [Number.NaN, Number.POSITIVE_INFINITY, "5", null]) {
      await expectValidation(() => store.touch("1", at as number), `at ${String(at)}`);
    }
    await expectValidation(() => store.touchMany("1" as unknown as [string, number][]), "entries '1'");
    await expectValidation(() => store.touchMany(["1" as unknown as [string, number]]), "entry '1'");
    await expectValidation(() => store.lastSeen("1" as unknown as string[]), "userIds '1'");
    expect(await everything(base)).toEqual(state);
    expect(await store.lastSeen(["1"])).toEqual([1_000]);
  });
});
