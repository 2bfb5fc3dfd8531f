import { describe, expect, it } from "vitest";
import { createFeedEngine } from "../src/engine/create-feed-engine.js";
import type { HomeContextStore } from "../src/index.js";
import { MemoryGraphStore } from "../src/memory/memory-graph-store.js";
import { MemoryHomeContextStore } from "../src/memory/memory-home-context-store.js";
import { MemoryPostStore } from "../src/memory/memory-post-store.js";
import { MemoryUserStore } from "../src/memory/memory-user-store.js";
import { homeContextStoreContract } from "../src/testing/home-context-store-contract.js";

function memoryStores() {
  const stores = { users: new MemoryUserStore(), graph: new MemoryGraphStore(), posts: new MemoryPostStore() };
  return { ...stores, homeContext: new MemoryHomeContextStore(stores) };
}

homeContextStoreContract("MemoryHomeContextStore", memoryStores);

describe("home reads with a HomeContextStore", () => {
  /** The stores, counting the graph's, users' and posts' per-read calls made by anyone but the context store. */
  function counted() {
    const calls = { context: 0, followeeIds: 0, blockedIds: 0, pulledAmong: 0, hydrate: [] as string[][] };
    let counting = true;
    class Graph extends MemoryGraphStore {
      override followeeIds(id: string) {
        if (counting) calls.followeeIds++;
        return super.followeeIds(id);
      }
      override blockedIds(id: string) {
        if (counting) calls.blockedIds++;
        return super.blockedIds(id);
      }
    }
    class Users extends MemoryUserStore {
      override pulledAmong(ids: readonly string[]) {
        if (counting) calls.pulledAmong++;
        return super.pulledAmong(ids);
      }
    }
    class Posts extends MemoryPostStore {
      override hydrate(ids: readonly string[]) {
        if (counting) calls.hydrate.push([...ids]);
        return super.hydrate(ids);
      }
    }
    const stores = { users: new Users(), graph: new Graph(), posts: new Posts() };
    const inner = new MemoryHomeContextStore(stores);
    const homeContext: HomeContextStore = {
      homeContext: async (readerId, page) => {
        calls.context++;
        counting = false;
        try {
          return await inner.homeContext(readerId, page);
        } finally {
          counting = true;
        }
      },
    };
    return { stores: { ...stores, homeContext }, calls };
  }

  const zero = () => ({ context: 0, followeeIds: 0, blockedIds: 0, pulledAmong: 0, hydrate: [] });

  it("takes the reader's context and the page's posts in one call, and asks no other store for them", async () => {
    const { stores, calls } = counted();
    const feed = createFeedEngine({ stores });
    const alice = await feed.registerUser({ handle: "alice" });
    const bob = await feed.registerUser({ handle: "bob" });
    await feed.follow(alice.id, bob.id);
    await feed.post(bob.id, { text: "hello" });
    await feed.drain();
    Object.assign(calls, zero());
    const page = await feed.homeTimeline(alice.id);
    expect(page.items.map((item) => item.post.text)).toEqual(["hello"]);
    expect(calls).toEqual({ ...zero(), context: 1 });
    await feed.close();
  });

  it("hydrates only what the context did not, when the first candidates are filtered out", async () => {
    const { stores, calls } = counted();
    const feed = createFeedEngine({ stores });
    const alice = await feed.registerUser({ handle: "alice" });
    const bob = await feed.registerUser({ handle: "bob" });
    const carol = await feed.registerUser({ handle: "carol" });
    await feed.follow(alice.id, bob.id);
    await feed.follow(alice.id, carol.id);
    const kept = await feed.post(bob.id, { text: "kept" });
    for (let i = 0; i < 3; i++) await feed.post(carol.id, { text: `carol ${i}` });
    await feed.drain();
    // Blocked after fan-out and not drained: carol's entries are still in alice's timeline, filtered out when read.
    await feed.block(alice.id, carol.id);
    const entries = (await feed.stores.timelines.read(alice.id, { limit: 10 }))?.ids ?? [];
    expect(entries).toHaveLength(4);
    Object.assign(calls, zero());
    const page = await feed.homeTimeline(alice.id, { limit: 1 });
    expect(page.items.map((item) => item.post.text)).toEqual(["kept"]);
    // The first two candidates (limit + 1) came hydrated with the context; only the next batch was asked for.
    expect(calls).toEqual({ ...zero(), context: 1, hydrate: [[entries[2], kept.id]] });
    expect(entries[3]).toBe(kept.id);
    await feed.close();
  });

  it("rejects an unknown reader with NOT_FOUND, writing nothing", async () => {
    const { stores } = counted();
    const feed = createFeedEngine({ stores });
    await expect(feed.homeTimeline("12345")).rejects.toMatchObject({ code: "NOT_FOUND", field: "userId" });
    expect(await feed.stores.activity.lastSeen(["12345"])).toEqual([undefined]);
    await feed.close();
  });
});
