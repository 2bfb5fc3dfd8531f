import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../src/load-test/latency-histogram.js";
import { LoadRecorder } from "../src/load-test/load-recorder.js";
import { runOpenLoop, type Settled } from "../src/load-test/open-loop.js";
import { runSchedule } from "../src/load-test/rate-schedule.js";

const RATE = 200;
const STALL_AT = 40; // due at 200 ms
const STALL_MS = 300; // so the operations due from 205 ms to ~500 ms fall due during it

/** Runs 1 s at 200/s in which operation 40 takes 300 ms and the others return at once. */
async function stalledRun(maxOutstanding: number) {
  const schedule = runSchedule({ kind: "constant", rate: RATE }, 0, 1);
  const settled: Settled[] = [];
  const stats = await runOpenLoop({
    schedule,
    maxOutstanding,
    operation: async (i) => {
      if (i === STALL_AT) await sleep(STALL_MS);
    },
    onSettled: (s) => settled.push(s),
  });
  settled.sort((a, b) => a.index - b.index);
  return { schedule, settled, stats };
}

const latency = (s: Settled): number => s.endedAt - s.intendedAt;
const service = (s: Settled): number => s.endedAt - s.startedAt;

describe("load-test open loop", () => {
  it("corrects coordinated omission: operations due during a stall are timed from when they were due", async () => {
    // One at a time, as a client with one connection: the stall holds back everything due during it.
    const { settled, stats, schedule } = await stalledRun(1);
    expect(settled.map((s) => s.index)).toEqual(Array.from({ length: schedule.count }, (_, i) => i));
    expect(settled.every((s) => s.outcome === "sent" && s.error === undefined)).toBe(true);
    expect(latency(settled[STALL_AT]!)).toBeGreaterThanOrEqual(STALL_MS - 5);

    // The next one was due 5 ms into the stall: it waited ~295 ms, though its own service time was tiny.
    const next = settled[STALL_AT + 1]!;
    expect(latency(next)).toBeGreaterThanOrEqual(STALL_MS - 5 - 5);
    expect(service(next)).toBeLessThan(50);
    // Every operation due during the stall carries the rest of it: due at d, done no earlier than 500 ms.
    const stallEnd = settled[STALL_AT]!.endedAt;
    for (const s of settled.filter((x) => x.index > STALL_AT && x.intendedAt < stallEnd)) {
      expect(s.endedAt).toBeGreaterThanOrEqual(stallEnd);
      expect(latency(s)).toBeGreaterThanOrEqual(stallEnd - s.intendedAt);
    }
    const during = settled.filter((x) => x.index > STALL_AT && x.intendedAt < stallEnd).length;
    expect(during).toBeGreaterThanOrEqual(55);

    // Saturation is reported, not hidden.
    expect(stats.peakOutstanding).toBe(1);
    expect(stats.heldBack).toBeGreaterThanOrEqual(during);
    expect(stats.heldBackMs).toBeGreaterThanOrEqual(STALL_MS - 20);
    expect(stats).toMatchObject({ sent: schedule.count, unsent: 0, abandoned: 0 });

    // The recorder's histogram sees the stall in p90 and beyond; service times alone would hide it below p99.5.
    const recorder = new LoadRecorder({
      kinds: new Uint8Array(schedule.count),
      measureFrom: 0,
      measureStartAt: stats.startedAt,
      durationSeconds: 1,
    });
    const naive = new LatencyHistogram();
    for (const s of settled) {
      recorder.settle(s);
      naive.record(service(s) * 1000);
    }
    const read = recorder.operations(1, ["read"]).read!;
    expect(read.latencyMs.p90!).toBeGreaterThanOrEqual(100);
    expect(read.latencyMs.p99!).toBeGreaterThanOrEqual(STALL_MS - 20);
    expect(naive.percentile(99) / 1000).toBeLessThan(50);
    expect(read).toMatchObject({ offered: schedule.count, completed: schedule.count, errors: 0, unsent: 0 });
  });

  it("does not let one slow operation delay the others when there is room", async () => {
    const { settled, stats } = await stalledRun(100);
    expect(stats.heldBack).toBe(0);
    expect(stats.peakOutstanding).toBeGreaterThanOrEqual(2);
    expect(latency(settled[STALL_AT]!)).toBeGreaterThanOrEqual(STALL_MS - 5);
    // Sent on time while operation 40 was still running.
    const next = settled[STALL_AT + 1]!;
    expect(next.startedAt).toBeLessThan(settled[STALL_AT]!.endedAt);
    expect(latency(next)).toBeLessThan(STALL_MS / 2);
  });

  it("settles what it could not send before the drain timeout as unsent, so the counts add up", async () => {
    const schedule = runSchedule({ kind: "constant", rate: 100 }, 0, 0.2);
    const settled: Settled[] = [];
    let release: () => void = () => {};
    const stats = await runOpenLoop({
      schedule,
      maxOutstanding: 1,
      drainTimeoutMs: 100,
      operation: (i) => (i === 0 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
      onSettled: (s) => settled.push(s),
    });
    expect(stats).toMatchObject({ sent: 1, unsent: 19, abandoned: 1, peakOutstanding: 1 });
    expect(settled.filter((s) => s.outcome === "unsent").map((s) => s.index)).toEqual(
      Array.from({ length: 19 }, (_, i) => i + 1),
    );
    // The one still running is settled abandoned when the run stops waiting, so every operation is accounted for.
    expect(settled).toHaveLength(20);
    expect(settled.at(-1)).toMatchObject({ index: 0, outcome: "abandoned" });
    // Each waited at least from when it was due to the end of the schedule plus the drain timeout.
    for (const s of settled) expect(s.endedAt - s.intendedAt).toBeGreaterThanOrEqual(s.index <= 1 ? 280 : 100);
    // Its late completion is not reported twice.
    release();
    await sleep(5);
    expect(settled).toHaveLength(20);
  });

  it("counts a failed operation as an error with its code", async () => {
    const schedule = runSchedule({ kind: "constant", rate: 100 }, 0, 0.1);
    const recorder = new LoadRecorder({
      kinds: new Uint8Array(schedule.count),
      measureFrom: 0,
      measureStartAt: performance.now(),
      durationSeconds: 0.1,
    });
    await runOpenLoop({
      schedule,
      maxOutstanding: 4,
      operation: async (i) => {
        if (i % 2 === 1) throw Object.assign(new Error(`no ${i}`), { code: "ECONNRESET" });
      },
      onSettled: (s) => recorder.settle(s),
    });
    const read = recorder.operations(0.1, ["read"]).read!;
    expect(read).toMatchObject({ offered: 10, completed: 5, errors: 5, unsent: 0, abandoned: 0 });
    expect(read.latencyMs.count).toBe(5);
    expect(read.errorsByCode).toEqual([{ code: "ECONNRESET", count: 5, sample: "no 1" }]);
  });
});
