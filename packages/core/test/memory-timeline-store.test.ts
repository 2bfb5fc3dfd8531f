import { describe, expect, it } from "vitest";
import { FeedError } from "../src/errors/feed-error.js";
import { MemoryTimelineStore } from "../src/memory/memory-timeline-store.js";
import { timelineStoreContract } from "../src/testing/timeline-store-contract.js";

timelineStoreContract("MemoryTimelineStore (cap 5)", () => new MemoryTimelineStore({ cap: 5 }));
timelineStoreContract("MemoryTimelineStore (cap 800)", () => new MemoryTimelineStore());

describe("MemoryTimelineStore", () => {
  it("defaults to a cap of 800 and rejects a cap that is not an integer >= 1", () => {
    expect(new MemoryTimelineStore().cap).toBe(800);
    for (const cap of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryTimelineStore({ cap })).toThrow(FeedError);
    }
  });

  it("declares atomic trims and no expiry", () => {
    expect(new MemoryTimelineStore().capabilities).toEqual({ atomicTrim: true, expires: false });
  });

  it("counts a redelivered push again: the count is of timelines holding the entry", async () => {
    const store = new MemoryTimelineStore({ cap: 5 });
    await store.fill("1", [], "0");
    expect(await store.push(["1", "1"], "10")).toBe(1);
    expect(await store.push(["1"], "10")).toBe(1);
  });

  it("reports how many timelines and entries it holds", async () => {
    const store = new MemoryTimelineStore({ cap: 5 });
    await store.prepare("1");
    await store.fill("2", ["3", "2", "1"], "0");
    expect(store.stats()).toEqual({ timelines: 2, entries: 3 });
    await store.drop("2");
    expect(store.stats()).toEqual({ timelines: 1, entries: 0 });
  });
});
