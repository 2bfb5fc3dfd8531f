import { describe, expect, it } from "vitest";
import { DEFAULT_MIX, mixPicker, OPERATIONS, parseMix, showMix } from "../src/load-test/workload-mix.js";
import { ZipfPicker } from "../src/load-test/zipf-picker.js";
import { mulberry32 } from "../src/random/mulberry32.js";

describe("load-test workload mix", () => {
  it("parses weights, leaving out operations at 0", () => {
    expect(parseMix("read=80,profile=10,post=5,follow=3,like=2")).toEqual(DEFAULT_MIX);
    expect(parseMix(" read = 1 , like=0.5")).toEqual({ read: 1, profile: 0, post: 0, follow: 0, like: 0.5 });
    expect(showMix(parseMix("post=3,read=7"))).toBe("read=7,post=3");
  });

  it("refuses what is not a mix, saying why", () => {
    expect(() => parseMix("read=abc")).toThrow(/expected name=weight pairs/);
    expect(() => parseMix("read=-1")).toThrow(/expected name=weight pairs/);
    expect(() => parseMix("reads=80")).toThrow('unknown operation "reads"; known: read, profile, post, follow, like');
    expect(() => parseMix("read=1,read=2")).toThrow("read is given twice");
    expect(() => parseMix("read=0,post=0")).toThrow("every weight is 0");
    expect(() => parseMix("")).toThrow(/expected name=weight pairs/);
  });

  it("picks operations in the mix's proportions, the same for a seed", () => {
    const pick = mixPicker(DEFAULT_MIX, mulberry32(1));
    const counts = Object.fromEntries(OPERATIONS.map((op) => [op, 0]));
    for (let i = 0; i < 100_000; i++) counts[pick()]!++;
    for (const op of OPERATIONS) expect(Math.abs(counts[op]! / 1000 - DEFAULT_MIX[op])).toBeLessThan(0.6);
    const again = mixPicker(DEFAULT_MIX, mulberry32(1));
    const other = mixPicker(DEFAULT_MIX, mulberry32(1));
    expect(Array.from({ length: 50 }, again)).toEqual(Array.from({ length: 50 }, other));
    const onlyPosts = mixPicker(parseMix("post=1"), mulberry32(2));
    expect(new Set(Array.from({ length: 100 }, onlyPosts))).toEqual(new Set(["post"]));
  });
});

describe("load-test Zipf choice of users", () => {
  it("picks rank r in proportion to r^-s, hot items spread by the seeded shuffle", () => {
    const n = 1000;
    const zipf = new ZipfPicker(n, 1, mulberry32(3));
    const counts = new Float64Array(n);
    const picks = 200_000;
    for (let i = 0; i < picks; i++) counts[zipf.next()]!++;
    const harmonic = Array.from({ length: n }, (_, r) => 1 / (r + 1)).reduce((a, b) => a + b, 0);
    for (const r of [1, 2, 10, 100]) {
      const expected = picks / r / harmonic;
      expect(Math.abs(counts[zipf.itemOfRank(r)]! - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
    expect(zipf.itemOfRank(1)).not.toBe(0);
    expect(new Set(Array.from({ length: n }, (_, r) => zipf.itemOfRank(r + 1))).size).toBe(n);
  });

  it("is uniform at skew 0 and repeatable for a seed", () => {
    const uniform = new ZipfPicker(10, 0, mulberry32(4));
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 50_000; i++) counts[uniform.next()]!++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(400);
    const [a, b] = [new ZipfPicker(500, 0.99, mulberry32(8)), new ZipfPicker(500, 0.99, mulberry32(8))];
    expect(Array.from({ length: 100 }, () => a.next())).toEqual(Array.from({ length: 100 }, () => b.next()));
    expect(new ZipfPicker(1, 2, mulberry32(1)).next()).toBe(0);
    expect(() => new ZipfPicker(0, 1, mulberry32(1))).toThrow(RangeError);
  });
});
