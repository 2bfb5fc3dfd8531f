import { describe, expect, it } from "vitest";
import { rateSchedule, runSchedule } from "../src/load-test/rate-schedule.js";

/** How many operations of a schedule fall due in each whole second. */
function perSecond(schedule: ReturnType<typeof rateSchedule>): number[] {
  const counts = new Array<number>(Math.ceil(schedule.seconds)).fill(0);
  for (let i = 0; i < schedule.count; i++) counts[Math.floor(schedule.dueAt(i))]!++;
  return counts;
}

describe("load-test schedule", () => {
  it("constant: operation i is due at i / rate", () => {
    const s = runSchedule({ kind: "constant", rate: 10 }, 0, 2);
    expect(s.count).toBe(20);
    expect(s.seconds).toBe(2);
    expect(Array.from({ length: 20 }, (_, i) => s.dueAt(i))).toEqual(Array.from({ length: 20 }, (_, i) => i / 10));
    expect(s.dueBefore(0)).toBe(0);
    expect(s.dueBefore(1)).toBe(10);
    expect(s.dueBefore(1.05)).toBe(11);
    expect(s.dueBefore(99)).toBe(20);
    expect(s.rateAt(1.3)).toBe(10);
    expect(() => s.dueAt(20)).toThrow(RangeError);
    // A rate that does not divide a second evenly still offers exactly rate x seconds.
    expect(runSchedule({ kind: "constant", rate: 333.3 }, 0, 3).count).toBe(999);
  });

  it("ramp: the rate rises linearly, so each second offers 10/s more than the one before", () => {
    const s = runSchedule({ kind: "ramp", from: 0, to: 100 }, 0, 10);
    // Integral of 10t over 10 s.
    expect(s.count).toBe(500);
    // Due by t: 5t², so operation k is due at sqrt(k / 5).
    expect(s.dueAt(0)).toBe(0);
    expect(s.dueAt(125)).toBeCloseTo(5, 9);
    expect(s.dueAt(320)).toBeCloseTo(8, 9);
    expect(perSecond(s)).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    expect(s.rateAt(2.5)).toBe(25);
  });

  it("ramp down, and a warm-up at the starting rate before the ramp", () => {
    const down = runSchedule({ kind: "ramp", from: 200, to: 0 }, 0, 10);
    expect(down.count).toBe(1000);
    expect(perSecond(down)).toEqual([190, 170, 150, 130, 110, 90, 70, 50, 30, 10]);

    const s = runSchedule({ kind: "ramp", from: 100, to: 200 }, 2, 10);
    expect(s.seconds).toBe(12);
    expect(s.count).toBe(200 + 1500);
    expect(s.dueBefore(2)).toBe(200);
    expect(s.dueAt(199)).toBeCloseTo(1.99, 9);
    expect(s.dueAt(200)).toBeCloseTo(2, 9);
    expect(perSecond(s).slice(0, 4)).toEqual([100, 100, 105, 115]);
    expect(s.rateAt(7)).toBe(150);
  });

  it("is strictly increasing, and dueBefore inverts dueAt", () => {
    const s = rateSchedule([
      { seconds: 1.5, from: 37, to: 37 },
      { seconds: 0, from: 5, to: 5 },
      { seconds: 4, from: 3, to: 911 },
      { seconds: 2, from: 50, to: 1 },
    ]);
    let last = -1;
    for (let i = 0; i < s.count; i++) {
      const t = s.dueAt(i);
      expect(t).toBeGreaterThan(last);
      expect(s.dueBefore(t)).toBe(i);
      last = t;
    }
    expect(last).toBeLessThan(s.seconds);
  });

  it("refuses negative or infinite segments", () => {
    expect(() => rateSchedule([{ seconds: 1, from: -1, to: 3 }])).toThrow(RangeError);
    expect(() => rateSchedule([{ seconds: Number.POSITIVE_INFINITY, from: 1, to: 1 }])).toThrow(RangeError);
  });
});
