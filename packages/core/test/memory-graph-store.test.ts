import { describe, expect, it } from "vitest";
import { MemoryGraphStore } from "../src/memory/memory-graph-store.js";
import { graphStoreContract } from "../src/testing/graph-store-contract.js";

graphStoreContract("MemoryGraphStore", () => new MemoryGraphStore());

describe("MemoryGraphStore.followMany", () => {
  it("loads 200,000 edges in one call", async () => {
    const store = new MemoryGraphStore();
    const edges: [string, string][] = [];
    // 2,000 followers x 100 followees; every follower also follows the celebrity "1".
    for (let f = 0; f < 2000; f++) {
      const follower = String(1_000_000 + f);
      edges.push([follower, "1"]);
      for (let k = 1; k < 100; k++) edges.push([follower, String(10 + ((f + k * 7) % 500))]);
    }
    expect(edges.length).toBe(200_000);
    expect(await store.followMany(edges, 1)).toBe(200_000);
    expect(await store.followMany(edges, 2)).toBe(0);
    expect(await store.counts("1")).toEqual({ followers: 2000, following: 0 });
    expect(await store.counts("1000000")).toEqual({ followers: 0, following: 100 });
    const first = await store.followers("1", { limit: 1000 });
    const second = await store.followers("1", { after: first[first.length - 1]!, limit: 1000 });
    expect([first.length, second.length, first[0], second[999]]).toEqual([1000, 1000, "1000000", "1001999"]);
  });
});
