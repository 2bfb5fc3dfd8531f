import { describe, expect, it } from "vitest";
import { followerCounts } from "../src/graph/edge-graph.js";
import { celebrityShare, syntheticGraph } from "../src/graph/synthetic-graph.js";

describe("syntheticGraph", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = syntheticGraph({ users: 5_000, seed: 7 });
    const b = syntheticGraph({ users: 5_000, seed: 7 });
    const c = syntheticGraph({ users: 5_000, seed: 8 });
    expect(b.ids).toEqual(a.ids);
    expect(b.from).toEqual(a.from);
    expect(b.to).toEqual(a.to);
    expect(c.to).not.toEqual(a.to);
  });

  it("gives celebrity i exactly round(share_i * (users - 1)) followers: 95%, 90%, 85%", () => {
    const users = 20_000;
    const g = syntheticGraph({ users, celebrities: 3, seed: 42 });
    const counts = followerCounts(g);
    expect(g.celebrities).toEqual([0, 1, 2]);
    expect(g.celebrityShares).toEqual([0.95, 0.9, 0.85]);
    for (const c of g.celebrities) expect(counts[c]).toBe(Math.round(celebrityShare(c) * (users - 1)));
    // Celebrities are the largest accounts; everyone else stays far below them.
    const others = Array.from(counts.subarray(3)).sort((x, y) => y - x);
    expect(others[0]).toBeLessThan(counts[2]! / 2);
  });

  it("has no self-loops or duplicate edges, and every user follows someone", () => {
    const g = syntheticGraph({ users: 3_000, celebrities: 2, seed: 1 });
    const seen = new Set<number>();
    const following = new Uint32Array(g.ids.length);
    for (let i = 0; i < g.from.length; i++) {
      const a = g.from[i]!;
      const b = g.to[i]!;
      expect(a).not.toBe(b);
      const key = a * g.ids.length + b;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      following[a]!++;
    }
    expect(Math.min(...following)).toBeGreaterThanOrEqual(1);
  });

  it("has a heavy-tailed in-degree like ego-Twitter's (median single digits, a long tail)", () => {
    const g = syntheticGraph({ users: 50_000, celebrities: 0, seed: 42 });
    const counts = Array.from(followerCounts(g)).sort((x, y) => x - y);
    const median = counts[counts.length >> 1]!;
    const max = counts.at(-1)!;
    expect(median).toBeGreaterThanOrEqual(2);
    expect(median).toBeLessThanOrEqual(15);
    expect(max).toBeGreaterThan(100 * median);
    expect(g.ids.slice(0, 3)).toEqual(["1", "2", "3"]);
  });

  it("rejects impossible sizes", () => {
    expect(() => syntheticGraph({ users: 1 })).toThrow(RangeError);
    expect(() => syntheticGraph({ users: 10, celebrities: 9 })).toThrow(RangeError);
  });
});
