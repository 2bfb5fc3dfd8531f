import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { keySlot } from "../src/cluster-slot.js";
import { RedisActivityStore, RedisTimelineStore } from "../src/index.js";
import { clusterClient, prefixes } from "./redis-clients.js";

const cluster = clusterClient();
const prefix = prefixes();

afterAll(() => {
  cluster.disconnect();
});

/** Counts the pipelines the stores open on the (real) cluster client while `run` runs. */
async function countPipelines(run: () => Promise<unknown>): Promise<number> {
  const original = cluster.pipeline;
  let opened = 0;
  cluster.pipeline = function (this: typeof cluster, ...args: Parameters<typeof original>) {
    opened++;
    return original.apply(this, args);
  } as typeof original;
  try {
    await run();
  } finally {
    cluster.pipeline = original;
  }
  return opened;
}

/** Script calls (EVAL + EVALSHA) each master has served so far. */
async function scriptCalls(master: Redis): Promise<number> {
  const stats = await master.info("commandstats");
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

describe("RedisTimelineStore on a 3-master Redis Cluster", () => {
  it("a batch of 1,000 followers spanning every master lands with one pipeline per node, one script call per slot", async () => {
    const store = new RedisTimelineStore({ client: cluster, prefix: prefix.fresh() });
    const followers = Array.from({ length: 1_000 }, (_, i) => String(10_000 + i));
    const absent = new Set(followers.slice(0, 10));
    await Promise.all(followers.filter((f) => !absent.has(f)).map((f) => store.fill(f, ["5"], "0")));

    const masters = cluster.nodes("master");
    const nodeOf = (userId: string) => cluster.slots[keySlot(store.keyOf(userId))]?.[0];
    const slotsByNode = new Map<string, Set<number>>();
    for (const f of followers) {
      const node = nodeOf(f)!;
      const slots = slotsByNode.get(node) ?? new Set<number>();
      slots.add(keySlot(store.keyOf(f)));
      slotsByNode.set(node, slots);
    }
    expect(masters).toHaveLength(3);
    expect(slotsByNode.size).toBe(3);

    const before = await Promise.all(masters.map(scriptCalls));
    let holding = -1;
    const pipelines = await countPipelines(async () => {
      holding = await store.push(followers, "100");
    });
    const after = await Promise.all(masters.map(scriptCalls));
    const perNode = masters.map((m, i) => ({
      node: `${m.options.host}:${m.options.port}`,
      followers: followers.filter((f) => nodeOf(f) === `${m.options.host}:${m.options.port}`).length,
      scriptCalls: after[i]! - before[i]!,
    }));
    console.log(`push to 1,000 followers on 3 masters: ${pipelines} pipelines; per node ${JSON.stringify(perNode)}`);

    expect(holding).toBe(990);
    expect(pipelines).toBe(3);
    for (const { node, scriptCalls: calls } of perNode) expect(calls).toBe(slotsByNode.get(node)?.size);
    for (const f of followers) {
      const slice = await store.read(f, { limit: 10 });
      expect(slice).toEqual(absent.has(f) ? null : { ids: ["100", "5"], floor: "0" });
    }

    expect(await countPipelines(() => store.removeFromMany(followers, "100"))).toBe(3);
    expect(await store.read(followers[500]!, { limit: 10 })).toEqual({ ids: ["5"], floor: "0" });
  });

  it("activity for 1,000 users is read and written with one pipeline per node", async () => {
    const store = new RedisActivityStore({ client: cluster, prefix: prefix.fresh() });
    const users = Array.from({ length: 1_000 }, (_, i) => String(20_000 + i));
    expect(await countPipelines(() => store.touchMany(users.map((u, i) => [u, 1_000 + i])))).toBe(3);
    let seen: (number | undefined)[] = [];
    const pipelines = await countPipelines(async () => {
      seen = await store.lastSeen(users);
    });
    console.log(`lastSeen of 1,000 users on 3 masters: ${pipelines} pipelines`);
    expect(pipelines).toBe(3);
    expect(seen).toEqual(users.map((_, i) => 1_000 + i));
  });
});
