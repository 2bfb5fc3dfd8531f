import { describe, expect, it } from "vitest";
import { FolloweeCache } from "../src/followee-cache.js";

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
const entry = (version: string, followees: string[], pulled: string[] = []) => ({
  version,
  ids: followees,
  pulledVersion: "0",
  pulled,
});

describe("FolloweeCache", () => {
  it("keeps lists within its bound, counting each list's ids and one for the entry, least recently used out first", () => {
    const cache = new FolloweeCache(10);
    cache.set("a", entry("1", ids(3)));
    cache.set("b", entry("1", ids(3)));
    expect(cache.weight).toBe(8);
    expect(cache.get("a")?.ids).toHaveLength(3);
    // 8 + 3 > 10: "b", used least recently, goes.
    cache.set("c", entry("1", ids(2)));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.version).toBe("1");
    expect(cache.weight).toBe(7);
    // Replacing an entry releases what the old one counted.
    cache.set("a", entry("2", ids(1)));
    expect(cache.weight).toBe(5);
    expect(cache.get("a")?.version).toBe("2");
    // A list larger than the bound is not kept, and drops the reader's older copy.
    cache.set("c", entry("2", ids(10)));
    expect(cache.get("c")).toBeUndefined();
    expect(cache.weight).toBe(2);
  });

  it("bounds readers with empty lists too", () => {
    const cache = new FolloweeCache(100);
    for (let i = 0; i < 1000; i++) cache.set(String(i), entry("1", []));
    expect(cache.weight).toBe(100);
    expect(cache.get("0")).toBeUndefined();
    expect(cache.get("999")?.ids).toEqual([]);
  });

  it("counts the pulled followees an entry keeps against the bound too", () => {
    const cache = new FolloweeCache(10);
    cache.set("a", entry("1", ids(4), ids(2)));
    expect(cache.weight).toBe(7);
    // 7 + 4 > 10: "a" goes.
    cache.set("b", entry("1", ids(2), ids(1)));
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")?.pulled).toEqual(["1"]);
    expect(cache.weight).toBe(4);
  });
});
