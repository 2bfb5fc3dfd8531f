import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { exponentialBackoff } from "../src/bus/retry-policy.js";

const SEED = Number(process.env.FEED_PROPERTY_SEED ?? 20261121);

beforeAll(() => {
  console.log(`retry-policy property tests: FEED_PROPERTY_SEED=${SEED}`);
  fc.configureGlobal({ seed: SEED });
});

const options = fc.record({
  baseMs: fc.integer({ min: 0, max: 10_000 }),
  maxMs: fc.integer({ min: 0, max: 120_000 }),
  factor: fc.double({ min: 1, max: 10, noNaN: true }),
});
const attempt = fc.integer({ min: 1, max: 2_000 });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("exponentialBackoff", () => {
  it("waits within [0, maxMs] for any attempt and random value", () => {
    fc.assert(
      fc.property(options, fc.boolean(), attempt, unit, (o, jitter, n, r) => {
        const wait = exponentialBackoff({ ...o, jitter })(n, () => r);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(o.maxMs);
      }),
    );
  });

  it("has a bound that never shrinks as attempts grow, and jitter stays under it", () => {
    fc.assert(
      fc.property(options, attempt, unit, (o, n, r) => {
        const bound = exponentialBackoff({ ...o, jitter: false });
        expect(bound(n + 1, () => r)).toBeGreaterThanOrEqual(bound(n, () => r));
        expect(exponentialBackoff(o)(n, () => r)).toBeLessThanOrEqual(bound(n, () => r));
      }),
    );
  });

  it("is deterministic given the random source", () => {
    fc.assert(
      fc.property(options, fc.boolean(), attempt, unit, (o, jitter, n, r) => {
        const a = exponentialBackoff({ ...o, jitter });
        const b = exponentialBackoff({ ...o, jitter });
        expect(a(n, () => r)).toBe(b(n, () => r));
      }),
    );
  });

  it("follows min(maxMs, baseMs * factor^(attempt - 1)) times random()", () => {
    const policy = exponentialBackoff({ baseMs: 100, maxMs: 1_000, factor: 2 });
    expect([1, 2, 3, 4, 5].map((n) => policy(n, () => 0.5))).toEqual([50, 100, 200, 400, 500]);
    const plain = exponentialBackoff({ jitter: false });
    expect([1, 2, 3].map((n) => plain(n, () => 0.5))).toEqual([50, 100, 200]);
    expect(plain(10_000, () => 0.5)).toBe(30_000);
    expect(exponentialBackoff()(3, () => 0.999)).toBeLessThan(200);
  });

  it("rejects nonsense options", () => {
    expect(() => exponentialBackoff({ baseMs: -1 })).toThrow();
    expect(() => exponentialBackoff({ maxMs: Number.NaN })).toThrow();
    expect(() => exponentialBackoff({ factor: 0.5 })).toThrow();
  });
});
