import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../src/load-test/latency-histogram.js";
import { mulberry32 } from "../src/random/mulberry32.js";
import { percentiles } from "../src/stats/percentiles.js";

const PS = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

describe("load-test latency histogram", () => {
  it("is exact below 256 and for count, min, max and mean", () => {
    const h = new LatencyHistogram();
    for (let v = 0; v < 256; v++) h.record(v);
    expect(h.count).toBe(256);
    expect(h.percentile(50)).toBe(127);
    expect(h.percentile(100)).toBe(255);
    expect(h.percentile(0)).toBe(0);
    expect([h.min, h.max, h.mean]).toEqual([0, 255, 127.5]);
  });

  it("keeps every percentile within 1/128 of the exact one, never below it", () => {
    const random = mulberry32(5);
    // Log-uniform from 1 µs to 10 s, as latencies spread.
    const values = Float64Array.from({ length: 50_000 }, () => Math.round(10 ** (random() * 7)));
    const h = new LatencyHistogram();
    for (const v of values) h.record(v);
    const exact = percentiles(values, PS);
    PS.forEach((p, i) => {
      const got = h.percentile(p);
      expect(got).toBeGreaterThanOrEqual(exact[i]!);
      expect(got).toBeLessThanOrEqual(exact[i]! * (1 + 1 / 128) + 1);
    });
    expect(h.max).toBe(Math.max(...values));
    expect(h.min).toBe(Math.min(...values));
    expect(h.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it("merges into the same histogram as recording everything in one", () => {
    const random = mulberry32(9);
    const [a, b, both] = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 0; i < 5_000; i++) {
      const v = Math.round(random() * 2_000_000);
      (i % 3 === 0 ? a : b).record(v);
      both.record(v);
    }
    a.merge(b);
    a.merge(new LatencyHistogram());
    expect(a.snapshot()).toEqual(both.snapshot());
    for (const p of PS) expect(a.percentile(p)).toBe(both.percentile(p));
  });

  it("handles empty, repeated, negative, fractional and enormous values", () => {
    const h = new LatencyHistogram();
    expect([h.count, h.min, h.max, h.mean, h.percentile(99)]).toEqual([0, NaN, NaN, NaN, NaN]);
    expect(h.snapshot()).toEqual({ count: 0, min: NaN, max: NaN, sum: 0, buckets: [] });
    h.record(1_000_000, 3);
    h.record(-5);
    h.record(2.4);
    h.record(Number.NaN);
    h.record(2 ** 45);
    expect(h.count).toBe(6);
    expect(h.min).toBe(0);
    expect(h.max).toBe(2 ** 40 - 1);
    expect(h.percentile(100)).toBe(2 ** 40 - 1);
    expect(h.percentile(50)).toBeGreaterThanOrEqual(1_000_000);
    expect(h.percentile(50)).toBeLessThanOrEqual(1_000_000 * (1 + 1 / 128));
    expect(h.percentile(10)).toBe(0);
    expect(h.percentile(30)).toBe(2);
    expect(h.snapshot().buckets.reduce((n, [, c]) => n + c, 0)).toBe(6);
    expect(() => h.percentile(101)).toThrow(RangeError);
  });
});
