import { beforeEach, describe, expect, it } from "vitest";
import type { GraphStore } from "../ports/graph-store.js";
import { ascending } from "./post-records.js";

/** `ids` in a fixed pseudo-random order (no Math.random in tests). */
function shuffled(ids: readonly string[], seed: number): string[] {
  const out = [...ids];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** "1".."n": ids of every decimal length up to n's, so numeric and string order differ. */
function range(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => String(from + i));
}

/**
 * The behaviour every {@link GraphStore} must have. Call it from an adapter's test file with a factory that returns an
 * empty store (its own namespace) on every call. `followMany` is optional; its tests skip when it is missing.
 */
export function graphStoreContract(name: string, factory: () => GraphStore | Promise<GraphStore>): void {
  describe(`${name}: GraphStore contract`, () => {
    let store: GraphStore;

    beforeEach(async () => {
      store = await factory();
    });

    /** Every follower of `id`, read page by page with keyset paging. */
    async function allFollowers(id: string, limit: number): Promise<string[][]> {
      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.followers(id, after === undefined ? { limit } : { after, limit });
        pages.push(page);
        if (page.length < limit) return pages;
        after = page[page.length - 1];
      }
    }

    describe("follow and unfollow", () => {
      it("creates a follow once, keeping its first time", async () => {
        expect(await store.follow("1", "2", 100)).toBe("created");
        expect(await store.follow("1", "2", 200)).toBe("exists");
        expect(await store.followedAt("1", "2")).toBe(100);
        expect(await store.followedAt("2", "1")).toBeUndefined();
        expect(await store.isFollowing("1", ["3", "2", "1"])).toEqual([false, true, false]);
        expect(await store.isFollowing("2", ["1"])).toEqual([false]);
        expect(await store.isFollowing("1", [])).toEqual([]);
        expect(await store.counts("1")).toEqual({ followers: 0, following: 1 });
        expect(await store.counts("2")).toEqual({ followers: 1, following: 0 });
      });

      it("removes a follow and reports a missing one", async () => {
        await store.follow("1", "2", 100);
        await store.follow("2", "1", 100);
        expect(await store.unfollow("1", "2")).toBe(true);
        expect(await store.unfollow("1", "2")).toBe(false);
        expect(await store.unfollow("3", "4")).toBe(false);
        expect(await store.isFollowing("1", ["2"])).toEqual([false]);
        expect(await store.followedAt("1", "2")).toBeUndefined();
        expect(await store.followedAt("2", "1")).toBe(100);
        expect(await store.counts("2")).toEqual({ followers: 0, following: 1 });
        expect(await store.follow("1", "2", 300)).toBe("created");
        expect(await store.followedAt("1", "2")).toBe(300);
      });

      it("reports zero counts and no follows for unknown users", async () => {
        expect(await store.counts("404")).toEqual({ followers: 0, following: 0 });
        expect(await store.followeeIds("404")).toEqual([]);
        expect(await store.followers("404", { limit: 10 })).toEqual([]);
        expect(await store.followees("404", { limit: 10 })).toEqual([]);
      });

      it("lists every followee", async () => {
        const followees = ["9", "10", "100", "11", "2"];
        for (const f of followees) await store.follow("1", f, 1);
        expect(ascending(await store.followeeIds("1"))).toEqual(ascending(followees));
        await store.unfollow("1", "10");
        expect(ascending(await store.followeeIds("1"))).toEqual(["2", "9", "11", "100"]);
      });
    });

    describe("paging", () => {
      it("pages through 2,500 followers in pages of 1,000 with no gaps or repeats", async () => {
        const followers = range(2500);
        for (const f of shuffled(followers, 2500)) await store.follow(f, "99999", 1);
        await store.follow("99999", "3", 1);
        const pages = await allFollowers("99999", 1000);
        expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
        expect(pages.flat()).toEqual(ascending(followers));
        expect(await store.counts("99999")).toEqual({ followers: 2500, following: 1 });
      });

      it("starts strictly after the key, which need not be a follower", async () => {
        for (const f of ["10", "20", "9", "100"]) await store.follow(f, "1", 1);
        expect(await store.followers("1", { limit: 10 })).toEqual(["9", "10", "20", "100"]);
        expect(await store.followers("1", { after: "9", limit: 10 })).toEqual(["10", "20", "100"]);
        expect(await store.followers("1", { after: "15", limit: 2 })).toEqual(["20", "100"]);
        expect(await store.followers("1", { after: "100", limit: 10 })).toEqual([]);
        expect(await store.followers("1", { after: "0", limit: 1 })).toEqual(["9"]);
      });

      it("stays exact while follows change between pages", async () => {
        for (const f of range(30, 10)) await store.follow(f, "1", 1);
        const first = await store.followers("1", { limit: 10 });
        expect(first).toEqual(range(10, 10));
        await store.follow("5", "1", 2);
        await store.follow("100", "1", 2);
        await store.unfollow("20", "1");
        await store.block("1", "21");
        const second = await store.followers("1", { after: first[first.length - 1]!, limit: 10 });
        expect(second).toEqual(["22", "23", "24", "25", "26", "27", "28", "29", "30", "31"]);
        const rest = await store.followers("1", { after: "31", limit: 10 });
        expect(rest).toEqual([...range(8, 32), "100"]);
        expect(await store.followers("1", { limit: 2 })).toEqual(["5", "10"]);
      });

      it("pages through followees the same way", async () => {
        const followees = range(25, 95);
        for (const f of shuffled(followees, 25)) await store.follow("7", f, 1);
        const pages: string[][] = [];
        let after: string | undefined;
        do {
          const page = await store.followees("7", after === undefined ? { limit: 7 } : { after, limit: 7 });
          pages.push(page);
          after = page[page.length - 1];
        } while (pages[pages.length - 1]!.length === 7);
        expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
        expect(pages.flat()).toEqual(ascending(followees));
        await store.unfollow("7", "100");
        expect(await store.followees("7", { after: "99", limit: 2 })).toEqual(["101", "102"]);
      });
    });

    describe("blocks", () => {
      it("refuses follows across a block in either direction, writing nothing", async () => {
        await store.block("1", "2");
        expect(await store.follow("1", "2", 1)).toBe("blocked");
        expect(await store.follow("2", "1", 1)).toBe("blocked");
        expect(await store.counts("1")).toEqual({ followers: 0, following: 0 });
        expect(await store.counts("2")).toEqual({ followers: 0, following: 0 });
        expect(await store.followers("1", { limit: 10 })).toEqual([]);
        expect(await store.follow("1", "3", 1)).toBe("created");
      });

      it("removes follows both ways, and a second block changes nothing", async () => {
        await store.follow("1", "2", 1);
        await store.follow("2", "1", 1);
        await store.follow("1", "3", 1);
        await store.follow("3", "2", 1);
        expect(await store.block("1", "2")).toBe(true);
        expect(await store.isFollowing("1", ["2", "3"])).toEqual([false, true]);
        expect(await store.isFollowing("2", ["1"])).toEqual([false]);
        expect(await store.counts("1")).toEqual({ followers: 0, following: 1 });
        expect(await store.counts("2")).toEqual({ followers: 1, following: 0 });
        expect(await store.followers("2", { limit: 10 })).toEqual(["3"]);
        expect(await store.block("1", "2")).toBe(false);
        expect(await store.blockedEither("1", ["2"])).toEqual([true]);
        expect(await store.counts("1")).toEqual({ followers: 0, following: 1 });
        expect(await store.unblock("1", "2")).toBe(true);
        expect(await store.blockedEither("1", ["2"])).toEqual([false]);
      });

      it("checks blocks in both directions", async () => {
        await store.block("1", "2");
        await store.block("3", "1");
        expect(await store.blockedEither("1", ["2", "3", "4"])).toEqual([true, true, false]);
        expect(await store.blockedEither("2", ["1", "3"])).toEqual([true, false]);
        expect(await store.blockedEither("3", ["1"])).toEqual([true]);
        expect(await store.blockedEither("4", ["1", "2", "3"])).toEqual([false, false, false]);
        expect(await store.blockedEither("1", [])).toEqual([]);
      });

      it("lists a user's blocks either way, ascending, as blocks come and go", async (ctx) => {
        if (store.blockedIds === undefined) return ctx.skip();
        expect(await store.blockedIds("1")).toEqual([]);
        await store.block("1", "20");
        await store.block("3", "1");
        await store.block("1", "3");
        await store.block("4", "5");
        expect(await store.blockedIds("1")).toEqual(["3", "20"]);
        expect(await store.blockedIds("3")).toEqual(["1"]);
        expect(await store.blockedIds("20")).toEqual(["1"]);
        expect(await store.blockedIds("5")).toEqual(["4"]);
        await store.unblock("3", "1");
        expect(await store.blockedIds("1")).toEqual(["3", "20"]);
        await store.unblock("1", "3");
        await store.unblock("1", "20");
        expect(await store.blockedIds("1")).toEqual([]);
        expect(await store.blockedIds("3")).toEqual([]);
      });

      it("keeps each direction of a block separately", async () => {
        expect(await store.block("1", "2")).toBe(true);
        expect(await store.block("2", "1")).toBe(true);
        expect(await store.unblock("1", "2")).toBe(true);
        expect(await store.blockedEither("1", ["2"])).toEqual([true]);
        expect(await store.follow("1", "2", 1)).toBe("blocked");
        expect(await store.unblock("2", "1")).toBe(true);
        expect(await store.blockedEither("2", ["1"])).toEqual([false]);
      });

      it("unblocks without restoring follows, and reports a missing block", async () => {
        await store.follow("1", "2", 1);
        await store.block("2", "1");
        expect(await store.unblock("1", "2")).toBe(false);
        expect(await store.unblock("2", "1")).toBe(true);
        expect(await store.unblock("2", "1")).toBe(false);
        expect(await store.isFollowing("1", ["2"])).toEqual([false]);
        expect(await store.follow("1", "2", 5)).toBe("created");
        expect(await store.followedAt("1", "2")).toBe(5);
      });
    });

    describe("followMany", () => {
      it("adds new follows, skipping self-follows, existing and repeated edges and blocked pairs", async (ctx) => {
        if (store.followMany === undefined) return ctx.skip();
        await store.follow("1", "2", 1);
        await store.block("5", "1");
        await store.block("2", "6");
        const edges: [string, string][] = [
          ["1", "2"],
          ["1", "3"],
          ["1", "3"],
          ["1", "1"],
          ["1", "5"],
          ["5", "1"],
          ["6", "2"],
          ["2", "1"],
          ["10", "2"],
          ["9", "2"],
        ];
        expect(await store.followMany(edges, 50)).toBe(4);
        expect(await store.followedAt("1", "2")).toBe(1);
        expect(await store.followedAt("1", "3")).toBe(50);
        expect(await store.isFollowing("1", ["1", "5"])).toEqual([false, false]);
        expect(await store.counts("1")).toEqual({ followers: 1, following: 2 });
        expect(await store.counts("2")).toEqual({ followers: 3, following: 1 });
        expect(await store.followers("2", { limit: 10 })).toEqual(["1", "9", "10"]);
        expect(await store.followMany([], 60)).toBe(0);
      });

      it("keeps pages exact after loading into lists already read", async (ctx) => {
        if (store.followMany === undefined) return ctx.skip();
        for (const f of ["20", "40"]) await store.follow(f, "1", 1);
        expect(await store.followers("1", { limit: 10 })).toEqual(["20", "40"]);
        expect(await store.followees("20", { limit: 10 })).toEqual(["1"]);
        const followers = range(50);
        expect(await store.followMany([...followers.map((f): [string, string] => [f, "1"]), ["20", "3"]], 2)).toBe(48);
        expect(await allFollowers("1", 20)).toEqual([range(20, 2), range(20, 22), range(9, 42)]);
        expect(await store.followees("20", { limit: 10 })).toEqual(["1", "3"]);
        await store.unfollow("30", "1");
        expect(await store.followers("1", { after: "28", limit: 3 })).toEqual(["29", "31", "32"]);
      });
    });
  });
}
