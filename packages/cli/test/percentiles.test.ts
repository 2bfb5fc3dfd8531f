import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentiles } from "../src/stats/percentiles.js";

describe("percentiles", () => {
  it("uses the nearest rank", () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentiles(values, [0, 1, 50, 99, 99.5, 100])).toEqual([1, 1, 50, 99, 100, 100]);
    expect(percentiles([5], [50, 99, 100])).toEqual([5, 5, 5]);
    expect(percentiles([1, 2], [50, 51])).toEqual([1, 2]);
  });

  it("does not change its input", () => {
    const values = new Float64Array([3, 1, 2]);
    percentiles(values, [50]);
    expect([...values]).toEqual([3, 1, 2]);
  });

  it("returns NaN for no values and rejects percentiles outside 0-100", () => {
    expect(percentiles([], [50, 99])).toEqual([Number.NaN, Number.NaN]);
    expect(() => percentiles([1], [101])).toThrow(RangeError);
    expect(() => percentiles([1], [Number.NaN])).toThrow(RangeError);
  });

  it("is monotonic in p and bounded by min and max (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1 }), (xs) => {
        const [min, p50, p99, max] = percentiles(xs, [0, 50, 99, 100]);
        expect(min).toBe(Math.min(...xs));
        expect(max).toBe(Math.max(...xs));
        expect(min! <= p50! && p50! <= p99! && p99! <= max!).toBe(true);
      }),
      { seed: 42 },
    );
  });
});
