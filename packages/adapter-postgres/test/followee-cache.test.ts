import { describe, expect, it } from "vitest";
import { FolloweeCache } from "../src/followee-cache.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

describe("FolloweeCache", () => {
  it("keeps lists within its bound, counting each list's ids and one for the entry, least recently used out first", () => {
    const cache = new FolloweeCache(10);
    cache.set("a", { version: "1", ids: ids(3) });
    cache.set("b", { version: "1", ids: ids(3) });
    expect(cache.weight).toBe(8);
    expect(cache.get("a")?.ids).toHaveLength(3);
    // 8 + 3 > 10: "b", used least recently, goes.
    cache.set("c", { version: "1", ids: ids(2) });
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.version).toBe("1");
    expect(cache.weight).toBe(7);
    // Replacing an entry releases what the old one counted.
    cache.set("a", { version: "2", ids: ids(1) });
    expect(cache.weight).toBe(5);
    expect(cache.get("a")?.version).toBe("2");
    // A list larger than the bound is not kept, and drops the reader's older copy.
    cache.set("c", { version: "2", ids: ids(10) });
    expect(cache.get("c")).toBeUndefined();
    expect(cache.weight).toBe(2);
  });

  it("bounds readers with empty lists too", () => {
    const cache = new FolloweeCache(100);
    for (let i = 0; i < 1000; i++) cache.set(String(i), { version: "1", ids: [] });
    expect(cache.weight).toBe(100);
    expect(cache.get("0")).toBeUndefined();
    expect(cache.get("999")?.ids).toEqual([]);
  });
});
