import { describe, expect, it } from "vitest";
import type { PostId } from "../ids/id.js";
import type { TimelineStore } from "../ports/timeline-store.js";

/** Ids `from` down to `to` (inclusive), newest first, as decimal strings. */
function range(from: number, to: number): PostId[] {
  const ids: PostId[] = [];
  for (let n = from; n >= to; n--) ids.push(String(n));
  return ids;
}

/** The whole timeline (up to the cap), or null. */
async function all(store: TimelineStore, userId: string) {
  return store.read(userId, { limit: store.cap });
}

/**
 * The behaviour every {@link TimelineStore} must have, as a vitest suite. `factory` makes a fresh, empty store for
 * each test, with whatever cap it likes (at least 5): the suite reads `store.cap` and tests relative to it.
 *
 * @example
 * timelineStoreContract("MemoryTimelineStore", () => new MemoryTimelineStore({ cap: 5 }));
 */
export function timelineStoreContract(name: string, factory: () => TimelineStore | Promise<TimelineStore>): void {
  describe(`${name}: TimelineStore contract`, () => {
    it("reads null for a timeline that was never built, and push and merge leave it absent", async () => {
      const store = await fresh(factory);
      expect(await all(store, "1")).toBeNull();
      expect(await store.push(["1"], "10")).toBe(0);
      await store.merge("1", ["11"], "0");
      await store.remove("1", ["10"]);
      await store.removeFromMany(["1"], "11");
      expect(await all(store, "1")).toBeNull();
      await store.fill("1", [], "0");
      expect(await all(store, "1")).toEqual({ ids: [], floor: "0" });
    });

    it("a prepared timeline reads null but receives pushes, which fill keeps", async () => {
      const store = await fresh(factory);
      await store.prepare("1");
      expect(await all(store, "1")).toBeNull();
      expect(await store.push(["1"], "30")).toBe(1);
      expect(await all(store, "1")).toBeNull();
      await store.fill("1", ["20", "10"], "0");
      expect(await all(store, "1")).toEqual({ ids: ["30", "20", "10"], floor: "0" });
    });

    it("prepare keeps an existing timeline as it is", async () => {
      const store = await fresh(factory);
      await store.fill("1", ["5"], "2");
      await store.prepare("1");
      expect(await all(store, "1")).toEqual({ ids: ["5"], floor: "2" });
    });

    it("fill never lowers a floor raised by trimming while the timeline was prepared", async () => {
      const store = await fresh(factory);
      const cap = store.cap;
      await store.prepare("1");
      for (let i = 10; i < 10 + cap + 2; i++) await store.push(["1"], String(i));
      await store.fill("1", ["5", "4"], "3");
      expect(await store.read("1", { limit: cap + 10 })).toEqual({ ids: range(cap + 11, 12), floor: "11" });
    });

    it("fill unions ids, raises the floor and drops entries at or below it", async () => {
      const store = await fresh(factory);
      await store.prepare("1");
      await store.push(["1"], "7");
      await store.push(["1"], "3");
      await store.fill("1", ["8", "7", "5"], "5");
      expect(await all(store, "1")).toEqual({ ids: ["8", "7"], floor: "5" });
      await store.fill("1", ["9"], "7");
      expect(await all(store, "1")).toEqual({ ids: ["9", "8"], floor: "7" });
    });

    it("fill past the cap keeps the newest cap entries and raises the floor to the largest one trimmed", async () => {
      const store = await fresh(factory);
      const cap = store.cap;
      await store.fill("1", range(cap + 3, 1), "0");
      expect(await store.read("1", { limit: cap + 10 })).toEqual({ ids: range(cap + 3, 4), floor: "3" });
    });

    it("push is idempotent and reaches only timelines that exist", async () => {
      const store = await fresh(factory);
      await store.fill("1", [], "0");
      await store.prepare("2");
      expect(await store.push(["1", "2", "3"], "100")).toBe(2);
      expect(await store.push(["1", "2", "3"], "100")).toBeLessThanOrEqual(2);
      expect(await all(store, "1")).toEqual({ ids: ["100"], floor: "0" });
      expect(await all(store, "3")).toBeNull();
      await store.prepare("3");
      await store.fill("2", [], "0");
      await store.fill("3", [], "0");
      expect(await all(store, "2")).toEqual({ ids: ["100"], floor: "0" });
      expect(await all(store, "3")).toEqual({ ids: [], floor: "0" });
    });

    it("push skips entries at or below the floor", async () => {
      const store = await fresh(factory);
      await store.fill("1", ["200"], "100");
      expect(await store.push(["1"], "100")).toBe(0);
      expect(await store.push(["1"], "99")).toBe(0);
      expect(await store.push(["1"], "101")).toBe(1);
      expect(await all(store, "1")).toEqual({ ids: ["200", "101"], floor: "100" });
    });

    it("orders ids numerically, not as text", async () => {
      const store = await fresh(factory);
      await store.fill("1", [], "0");
      for (const id of ["9", "100", "10", "1000", "99"]) await store.push(["1"], id);
      expect((await all(store, "1"))?.ids).toEqual(["1000", "100", "99", "10", "9"]);
      expect((await store.read("1", { before: "100", limit: 10 }))?.ids).toEqual(["99", "10", "9"]);
      await store.fill("2", ["9223372036854775807", "9007199254740993", "9007199254740992"], "0");
      expect((await store.read("2", { before: "9007199254740993", limit: 10 }))?.ids).toEqual(["9007199254740992"]);
    });

    it("pushes past the cap keep exactly cap entries and raise the floor to the largest one trimmed", async () => {
      const store = await fresh(factory);
      const cap = store.cap;
      await store.fill("1", [], "0");
      for (let n = 1; n <= cap + 5; n++) await store.push(["1"], String(n));
      expect(await store.read("1", { limit: cap + 10 })).toEqual({ ids: range(cap + 5, 6), floor: "5" });
      expect(await store.push(["1"], "5")).toBe(0);
      expect(await store.read("1", { before: String(cap + 5), limit: 2 })).toEqual({
        ids: range(cap + 4, 6).slice(0, 2),
        floor: "5",
      });
    });

    it("a push older than every entry of a full timeline only raises the floor", async () => {
      const store = await fresh(factory);
      const cap = store.cap;
      const ids = range(cap, 1).map((n) => `${n}0`);
      await store.fill("1", ids, "0");
      await store.push(["1"], "5");
      expect(await all(store, "1")).toEqual({ ids, floor: "5" });
    });

    it("merge adds to an existing timeline, raising the floor to at least minFloor", async () => {
      const store = await fresh(factory);
      await store.fill("1", ["30", "20", "10"], "0");
      await store.merge("1", ["25", "15", "5"], "12");
      expect(await all(store, "1")).toEqual({ ids: ["30", "25", "20", "15"], floor: "12" });
      await store.merge("1", ["26", "12", "11"], "1");
      expect(await all(store, "1")).toEqual({ ids: ["30", "26", "25", "20", "15"], floor: "12" });
    });

    it("merge lands in a prepared timeline without completing it, and trims past the cap", async () => {
      const store = await fresh(factory);
      const cap = store.cap;
      await store.prepare("1");
      await store.merge("1", range(cap + 2, 1), "0");
      expect(await all(store, "1")).toBeNull();
      await store.fill("1", [], "0");
      expect((await all(store, "1"))?.ids).toEqual(range(cap + 2, 3));
      await store.fill("2", [String(cap + 10)], "0");
      await store.merge("2", range(cap + 5, 1), "0");
      expect(await all(store, "2")).toEqual({ ids: [String(cap + 10), ...range(cap + 5, 7)], floor: "6" });
    });

    it("remove, removeFromMany and drop", async () => {
      const store = await fresh(factory);
      const ids = range(5, 1);
      await store.fill("1", ids, "0");
      await store.fill("2", ids, "0");
      await store.fill("3", ids, "0");
      await store.remove("1", ["1", "3", "404"]);
      expect(await all(store, "1")).toEqual({ ids: ids.filter((id) => id !== "1" && id !== "3"), floor: "0" });
      expect((await all(store, "2"))?.ids).toEqual(ids);
      await store.removeFromMany(["2", "3", "4"], "2");
      expect((await all(store, "2"))?.ids).toEqual(ids.filter((id) => id !== "2"));
      expect((await all(store, "3"))?.ids).toEqual(ids.filter((id) => id !== "2"));
      expect(await all(store, "4")).toBeNull();
      await store.drop("2");
      await store.drop("2");
      expect(await all(store, "2")).toBeNull();
      expect(await store.push(["2"], "100")).toBe(0);
      expect(await all(store, "2")).toBeNull();
      expect((await all(store, "3"))?.ids).toEqual(ids.filter((id) => id !== "2"));
    });

    it("pages with before (exclusive) and limit", async () => {
      const store = await fresh(factory);
      const ids = range(store.cap, 1).map((n) => `${n}0`);
      await store.fill("1", ids, "0");
      const seen: PostId[] = [];
      let before: PostId | undefined;
      // Bounded, so a store that ignores `before` fails instead of looping forever.
      for (let pages = 0; pages <= ids.length; pages++) {
        const slice = await store.read("1", before === undefined ? { limit: 2 } : { before, limit: 2 });
        expect(slice?.floor).toBe("0");
        const page = slice?.ids ?? [];
        expect(page.length).toBeLessThanOrEqual(2);
        if (page.length === 0) break;
        seen.push(...page);
        before = page[page.length - 1];
      }
      expect(seen).toEqual(ids);
      expect((await store.read("1", { before: "25", limit: 3 }))?.ids).toEqual(["20", "10"]);
      expect((await store.read("1", { before: "30", limit: 1 }))?.ids).toEqual(["20"]);
      expect((await store.read("1", { before: "1", limit: 3 }))?.ids).toEqual([]);
    });
  });
}

/** Makes a store and checks that its cap leaves room for the fixed examples of the suite. */
async function fresh(factory: () => TimelineStore | Promise<TimelineStore>): Promise<TimelineStore> {
  const store = await factory();
  if (!Number.isInteger(store.cap) || store.cap < 5) {
    throw new Error(`timelineStoreContract needs a store with cap >= 5 (got ${String(store.cap)})`);
  }
  return store;
}
