/** A stretch of a schedule whose rate changes linearly from `from` to `to` operations per second. */
export interface RateSegment {
  seconds: number;
  from: number;
  to: number;
}

/**
 * When each operation of an open-loop run is due: a piecewise-linear rate (constant, or a ramp, after a warm-up at the
 * starting rate). Operation `i` is due when the integral of the rate reaches `i`, so the offered load follows the rate
 * exactly, whatever the system under test does.
 */
export interface RateSchedule {
  /** Operations in the whole schedule. */
  readonly count: number;
  /** Length of the whole schedule in seconds. */
  readonly seconds: number;
  /** Seconds from the start at which operation `i` (0-based, below `count`) is due. */
  dueAt(i: number): number;
  /** The rate at `t` seconds from the start. */
  rateAt(t: number): number;
  /** Operations due before `t` seconds from the start. */
  dueBefore(t: number): number;
}

/**
 * A schedule of consecutive segments. Within a segment of length `T` whose rate goes from `a` to `b`, operations due
 * by `t` are `a·t + (b−a)·t²/(2T)`, and operation `k` of the segment is due at `2k / (a + √(a² + 2(b−a)k/T))` (the
 * root of that quadratic in the form that stays exact when the ramp is flat or starts at 0).
 */
export function rateSchedule(segments: readonly RateSegment[]): RateSchedule {
  for (const s of segments) {
    if (!(s.seconds >= 0 && s.from >= 0 && s.to >= 0) || ![s.seconds, s.from, s.to].every(Number.isFinite)) {
      throw new RangeError(`bad schedule segment ${JSON.stringify(s)}`);
    }
  }
  const parts = segments.filter((s) => s.seconds > 0);
  const integral = (s: RateSegment, t: number): number => s.from * t + ((s.to - s.from) * t * t) / (2 * s.seconds);
  const starts: number[] = [];
  const before: number[] = [];
  let t0 = 0;
  let n0 = 0;
  for (const s of parts) {
    starts.push(t0);
    before.push(n0);
    t0 += s.seconds;
    n0 += integral(s, s.seconds);
  }
  const seconds = t0;
  // A hair of tolerance so that 10/s for 2 s is 20 operations despite floating point.
  const count = Math.floor(n0 + 1e-9);

  const segmentAtCount = (i: number): number => {
    let k = 0;
    while (k < parts.length - 1 && before[k + 1]! <= i) k++;
    return k;
  };

  return {
    count,
    seconds,
    dueAt(i) {
      if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new RangeError(`no operation ${i} in the schedule`);
      const k = segmentAtCount(i);
      const s = parts[k]!;
      const local = i - before[k]!;
      const slope = (s.to - s.from) / s.seconds;
      const root = Math.sqrt(Math.max(0, s.from * s.from + 2 * slope * local));
      const within = local === 0 ? 0 : (2 * local) / (s.from + root);
      return starts[k]! + Math.min(s.seconds, within);
    },
    rateAt(t) {
      for (let k = parts.length - 1; k >= 0; k--) {
        if (t >= starts[k]!) {
          const s = parts[k]!;
          const x = Math.min(t - starts[k]!, s.seconds);
          return s.from + ((s.to - s.from) * x) / s.seconds;
        }
      }
      return parts[0]?.from ?? 0;
    },
    dueBefore(t) {
      if (t <= 0) return 0;
      for (let k = parts.length - 1; k >= 0; k--) {
        if (t >= starts[k]!) {
          const s = parts[k]!;
          const n = before[k]! + integral(s, Math.min(t - starts[k]!, s.seconds));
          return Math.min(count, Math.ceil(n - 1e-9));
        }
      }
      return 0;
    },
  };
}

/** How the load is offered: a constant rate, or a linear ramp over the measured duration. */
export type LoadShape = { kind: "constant"; rate: number } | { kind: "ramp"; from: number; to: number };

/**
 * The schedule of a run: `warmupSeconds` at the starting rate, then `durationSeconds` at the constant rate or along
 * the ramp. Operations due in the warm-up are sent but not measured.
 */
export function runSchedule(shape: LoadShape, warmupSeconds: number, durationSeconds: number): RateSchedule {
  const from = shape.kind === "constant" ? shape.rate : shape.from;
  const to = shape.kind === "constant" ? shape.rate : shape.to;
  return rateSchedule([
    { seconds: warmupSeconds, from, to: from },
    { seconds: durationSeconds, from, to },
  ]);
}
