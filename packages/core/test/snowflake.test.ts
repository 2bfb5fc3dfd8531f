import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Clock, ManualClock } from "../src/clock/clock.js";
import { FeedError, type FeedErrorCode } from "../src/errors/feed-error.js";
import { compareIds, isId } from "../src/ids/id.js";
import {
  composeSnowflake,
  decodeSnowflake,
  FEED_EPOCH_MS,
  Snowflake,
  snowflakeAt,
  snowflakeTime,
} from "../src/ids/snowflake.js";

const SEED = Number(process.env.FEED_PROPERTY_SEED ?? 20261121);
const MAX_TIME = FEED_EPOCH_MS + 2 ** 41 - 1;

beforeAll(() => {
  console.log(`snowflake property tests: FEED_PROPERTY_SEED=${SEED}`);
  fc.configureGlobal({ seed: SEED });
});

const time = fc.integer({ min: FEED_EPOCH_MS, max: MAX_TIME });
const worker = fc.integer({ min: 0, max: 1023 });
const sequence = fc.integer({ min: 0, max: 4095 });

/** Calls `fn` and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** Asserts that `fn` throws a FeedError with `code`, and returns it. */
function expectFeedError(fn: () => unknown, code: FeedErrorCode): FeedError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(FeedError);
  expect((error as FeedError).code).toBe(code);
  return error as FeedError;
}

/** Makes `count` ids in a row and returns the last. */
function nth(ids: Snowflake, count: number): string {
  let id = "";
  for (let i = 0; i < count; i++) id = ids.next();
  return id;
}

describe("Snowflake ids: layout", () => {
  it("decode undoes compose for any time, worker and sequence", () => {
    fc.assert(
      fc.property(time, worker, sequence, (timestamp, workerId, seq) => {
        const parts = { timestamp, workerId, sequence: seq };
        const id = composeSnowflake(parts);
        expect(isId(id)).toBe(true);
        expect(decodeSnowflake(id)).toEqual(parts);
        expect(decodeSnowflake(BigInt(id))).toEqual(parts);
        expect(snowflakeTime(id)).toBe(timestamp);
      }),
    );
  });

  it("a generator driven by a ManualClock makes ids that decode to its time, worker and sequence", () => {
    fc.assert(
      fc.property(time, worker, fc.integer({ min: 0, max: 300 }), (timestamp, workerId, seq) => {
        const ids = new Snowflake({ workerId, clock: new ManualClock(timestamp) });
        const id = nth(ids, seq + 1);
        expect(decodeSnowflake(id)).toEqual({ timestamp, workerId, sequence: seq });
      }),
    );
  });

  it("is exact at the edges of the range", () => {
    const top = { timestamp: MAX_TIME, workerId: 1023, sequence: 4095 };
    expect(composeSnowflake(top)).toBe(((1n << 63n) - 1n).toString());
    expect(decodeSnowflake("9223372036854775807")).toEqual(top);
    expect(composeSnowflake({ timestamp: FEED_EPOCH_MS, workerId: 0, sequence: 0 })).toBe("0");
    expect(new Snowflake({ clock: new ManualClock(MAX_TIME), workerId: 1023 }).nextBigInt()).toBe((1n << 63n) - 4096n);
  });

  it("uses the documented epoch and honours a custom one", () => {
    expect(FEED_EPOCH_MS).toBe(Date.parse("2024-01-01T00:00:00Z"));
    const epoch = Date.UTC(2010, 10, 4);
    const ids = new Snowflake({ epoch, workerId: 3, clock: new ManualClock(epoch + 1) });
    const id = ids.next();
    expect(id).toBe(((1n << 22n) | (3n << 12n)).toString());
    expect(decodeSnowflake(id, epoch)).toEqual({ timestamp: epoch + 1, workerId: 3, sequence: 0 });
  });
});

describe("Snowflake ids: order", () => {
  it("id order is time order across generators", () => {
    fc.assert(
      fc.property(time, time, worker, worker, (a, b, w1, w2) => {
        fc.pre(a !== b);
        const [t1, t2] = a < b ? [a, b] : [b, a];
        const id1 = new Snowflake({ workerId: w1, clock: new ManualClock(t1) }).next();
        const id2 = new Snowflake({ workerId: w2, clock: new ManualClock(t2) }).next();
        expect(compareIds(id1, id2)).toBeLessThan(0);
        expect(BigInt(id1) < BigInt(id2)).toBe(true);
      }),
    );
  });

  it("id order is time order for any worker and sequence", () => {
    fc.assert(
      fc.property(time, time, worker, worker, sequence, sequence, (a, b, w1, w2, s1, s2) => {
        fc.pre(a !== b);
        const [t1, t2] = a < b ? [a, b] : [b, a];
        const id1 = composeSnowflake({ timestamp: t1, workerId: w1, sequence: s1 });
        const id2 = composeSnowflake({ timestamp: t2, workerId: w2, sequence: s2 });
        expect(compareIds(id1, id2)).toBeLessThan(0);
      }),
    );
  });

  it("snowflakeAt(ms) is the boundary between ids made before ms and ids made at or after it", () => {
    fc.assert(
      fc.property(time, worker, sequence, (timestamp, workerId, seq) => {
        fc.pre(timestamp < MAX_TIME);
        const id = composeSnowflake({ timestamp, workerId, sequence: seq });
        const boundary = snowflakeAt(timestamp);
        expect(compareIds(boundary, id)).toBeLessThanOrEqual(0);
        expect(compareIds(id, snowflakeAt(timestamp + 1))).toBeLessThan(0);
        expect(decodeSnowflake(boundary)).toEqual({ timestamp, workerId: 0, sequence: 0 });
      }),
    );
  });

  it("is unique and strictly increasing over 1,000,000 ids from the system clock", () => {
    const ids = new Snowflake({ workerId: 42 });
    const seen = new Set<string>();
    let previous = ids.next();
    seen.add(previous);
    let outOfOrder = 0;
    for (let i = 1; i < 1_000_000; i++) {
      const id = ids.next();
      if (compareIds(id, previous) <= 0) outOfOrder++;
      seen.add(id);
      previous = id;
    }
    expect(outOfOrder).toBe(0);
    expect(seen.size).toBe(1_000_000);
  });

  it("after 4,096 ids in one millisecond waits for the next one", () => {
    const start = Date.UTC(2026, 0, 1);
    const clock = new ManualClock(start);
    const ids = new Snowflake({ workerId: 5, clock });
    const last = nth(ids, 4096);
    expect(decodeSnowflake(last)).toEqual({ timestamp: start, workerId: 5, sequence: 4095 });
    expect(clock.now()).toBe(start);
    const rolled = ids.next();
    expect(decodeSnowflake(rolled)).toEqual({ timestamp: start + 1, workerId: 5, sequence: 0 });
    expect(compareIds(last, rolled)).toBeLessThan(0);
    expect(clock.now()).toBe(start + 1);
  });

  it("waits out a backwards step within maxBackwardsMs", () => {
    const start = Date.UTC(2026, 0, 1);
    const clock = new ManualClock(start);
    const ids = new Snowflake({ clock });
    const before = ids.next();
    clock.set(start - 5);
    const after = ids.next();
    expect(compareIds(before, after)).toBeLessThan(0);
    expect(decodeSnowflake(after)).toEqual({ timestamp: start, workerId: 0, sequence: 1 });
    expect(clock.now()).toBe(start);
  });

  it("keeps order for any step back within the bound, including a full millisecond", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 4096 }), (back, used) => {
        const start = Date.UTC(2026, 0, 1);
        const clock = new ManualClock(start);
        const ids = new Snowflake({ clock, maxBackwardsMs: 1000 });
        const before = nth(ids, used);
        clock.set(start - back);
        expect(compareIds(before, ids.next())).toBeLessThan(0);
      }),
      { numRuns: 50 },
    );
  });

  it("throws CLOCK_BACKWARDS beyond maxBackwardsMs and recovers when the clock does", () => {
    const start = Date.UTC(2026, 0, 1);
    const clock = new ManualClock(start);
    const ids = new Snowflake({ clock, maxBackwardsMs: 10 });
    const before = ids.next();
    clock.set(start - 11);
    const { message } = expectFeedError(() => ids.next(), "CLOCK_BACKWARDS");
    expect(message).toContain("by 11 ms");
    expect(message).toContain(String(start));
    expect(message).toContain(String(start - 11));
    clock.set(start);
    expect(decodeSnowflake(ids.next())).toEqual({ timestamp: start, workerId: 0, sequence: 1 });
    expect(compareIds(before, ids.next())).toBeLessThan(0);
  });

  it("throws CLOCK_BACKWARDS with the default bound of 1000 ms", () => {
    const start = Date.UTC(2026, 0, 1);
    const clock = new ManualClock(start);
    const ids = new Snowflake({ clock });
    ids.next();
    clock.set(start - 1000);
    ids.next();
    clock.set(start - 1001);
    expectFeedError(() => ids.next(), "CLOCK_BACKWARDS");
  });
});

describe("Snowflake ids: rejected input", () => {
  it("rejects bad worker ids with a RangeError", () => {
    for (const workerId of [-1, 1024, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "3" as unknown as number]) {
      expect(() => new Snowflake({ workerId })).toThrow(RangeError);
    }
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 1024 }), fc.double({ noInteger: true })),
        (workerId) => {
          expect(() => new Snowflake({ workerId })).toThrow(RangeError);
        },
      ),
    );
    expect(new Snowflake({ workerId: 1023 }).workerId).toBe(1023);
  });

  it("rejects bad options", () => {
    expect(() => new Snowflake({ epoch: -1 })).toThrow(RangeError);
    expect(() => new Snowflake({ epoch: 1.5 })).toThrow(RangeError);
    expect(() => new Snowflake({ maxBackwardsMs: -1 })).toThrow(RangeError);
    expect(() => new Snowflake({ maxBackwardsMs: Number.NaN })).toThrow(RangeError);
    expect(() => new Snowflake({ clock: {} as Clock })).toThrow(TypeError);
  });

  it("rejects garbage ids with VALIDATION", () => {
    const garbage: (string | bigint)[] = [
      "",
      "abc",
      "01",
      "-1",
      "1.5",
      " 1",
      "1e5",
      "9223372036854775808", // 2^63: not a Snowflake
      "18446744073709551616", // 2^64: not an id
      -1n,
      1n << 63n,
    ];
    for (const id of garbage) {
      expectFeedError(() => decodeSnowflake(id), "VALIDATION");
      expectFeedError(() => snowflakeTime(id), "VALIDATION");
    }
    expectFeedError(() => decodeSnowflake(42 as unknown as string), "VALIDATION");
    fc.assert(
      fc.property(
        fc.string().filter((s) => !isId(s)),
        (id) => {
          expectFeedError(() => decodeSnowflake(id), "VALIDATION");
        },
      ),
    );
  });

  it("rejects times outside the 41-bit range", () => {
    expectFeedError(() => snowflakeAt(FEED_EPOCH_MS - 1), "VALIDATION");
    expectFeedError(() => snowflakeAt(MAX_TIME + 1), "VALIDATION");
    expectFeedError(() => snowflakeAt(FEED_EPOCH_MS + 0.5), "VALIDATION");
    expect(snowflakeAt(MAX_TIME)).toBe(((2n ** 41n - 1n) << 22n).toString());

    const early = new Snowflake({ clock: new ManualClock(FEED_EPOCH_MS - 1) });
    expectFeedError(() => early.next(), "UNAVAILABLE");
    const late = new Snowflake({ clock: new ManualClock(MAX_TIME + 1) });
    expectFeedError(() => late.next(), "UNAVAILABLE");
  });

  it("throws UNAVAILABLE instead of hanging on a clock that never moves", () => {
    const stuck: Clock = { now: () => FEED_EPOCH_MS + 1, waitUntil: () => {} };
    const ids = new Snowflake({ clock: stuck });
    nth(ids, 4096);
    expectFeedError(() => ids.next(), "UNAVAILABLE");
    const broken = new Snowflake({ clock: { now: () => Number.NaN, waitUntil: () => {} } });
    expectFeedError(() => broken.next(), "UNAVAILABLE");
  });
});
