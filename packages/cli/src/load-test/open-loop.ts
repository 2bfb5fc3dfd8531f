import type { RateSchedule } from "./rate-schedule.js";

/** How one scheduled operation went. Times are in the clock's milliseconds. */
export interface Settled {
  /** Index in the schedule. */
  index: number;
  /** When the schedule said it was due: latency is measured from here (coordinated omission corrected). */
  intendedAt: number;
  /** When it was actually sent (later than intended when the generator was held back or late). */
  startedAt: number;
  /** When it completed; for an operation unsent or abandoned, when the run gave up on it. */
  endedAt: number;
  /**
   * `sent`: it ran (and `error` says whether it failed); `unsent`: the run ended before a slot was free for it;
   * `abandoned`: sent, but still running when the run stopped waiting (its completion, if any, is not reported).
   */
  outcome: "sent" | "unsent" | "abandoned";
  error?: unknown;
}

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  schedule: RateSchedule;
  /** Operations in flight at most; an operation due while this many are in flight waits for one to finish. */
  maxOutstanding: number;
  /** Runs operation `index`; a rejection is its error. */
  operation: (index: number) => Promise<void>;
  /** Receives every operation once, in completion order. */
  onSettled: (settled: Settled) => void;
  /**
   * After the schedule ends, how long operations still waiting for a slot may be sent, and in-flight ones awaited.
   * Past it, the waiting ones are settled `unsent` and the in-flight ones `abandoned`. Default 10 s.
   */
  drainTimeoutMs?: number;
  /** When operation 0 is due, on the clock. Default: 2 ms from now. */
  startAt?: number;
  /** Monotonic clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Stops sending early (Ctrl-C, a fatal error): what is waiting is settled `unsent`. */
  signal?: AbortSignal;
}

/** What the generator itself saw: how often and how long it was held back by `maxOutstanding`. */
export interface OpenLoopStats {
  /** When the schedule started, on the clock. */
  startedAt: number;
  /** When the last operation settled. */
  endedAt: number;
  sent: number;
  unsent: number;
  /** Most operations in flight at once. */
  peakOutstanding: number;
  /** Operations that fell due while `maxOutstanding` were in flight, so were sent late: the saturation signal. */
  heldBack: number;
  /** Milliseconds spent with `maxOutstanding` in flight and an operation due. */
  heldBackMs: number;
  /** In-flight operations still running when the drain timeout passed (settled `abandoned`). */
  abandoned: number;
}

/** Operations the generator observes in flight right now (for a live progress line). */
export interface OpenLoopGauge {
  outstanding: number;
}

/**
 * Runs an open-loop schedule: operation `i` is sent at `start + schedule.dueAt(i)` whatever happened to the ones
 * before it, each on its own promise, so a slow response never delays the next request and queueing shows up as
 * latency (measured from the intended time, not the send time). At most `maxOutstanding` run at once: an operation
 * due while the limit is reached is sent as soon as a slot frees — its wait counts in its latency — and is counted in
 * `heldBack`, so saturation is reported rather than hidden.
 */
export async function runOpenLoop(
  options: OpenLoopOptions,
  gauge: OpenLoopGauge = { outstanding: 0 },
): Promise<OpenLoopStats> {
  const { schedule, maxOutstanding, operation, onSettled } = options;
  if (!(Number.isInteger(maxOutstanding) && maxOutstanding >= 1)) throw new RangeError("maxOutstanding must be >= 1");
  const now = options.now ?? (() => performance.now());
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const stats: OpenLoopStats = {
    startedAt: options.startAt ?? now() + 2,
    endedAt: 0,
    sent: 0,
    unsent: 0,
    peakOutstanding: 0,
    heldBack: 0,
    heldBackMs: 0,
    abandoned: 0,
  };
  const start = stats.startedAt;
  const deadline = start + schedule.seconds * 1000 + drainTimeoutMs;
  const intended = (i: number): number => start + schedule.dueAt(i) * 1000;
  let freed: (() => void) | undefined;
  /** Operations in flight, by index, until they settle or are abandoned. */
  const inFlight = new Map<number, { intendedAt: number; startedAt: number; done: Promise<void> }>();

  const send = (index: number): void => {
    const intendedAt = intended(index);
    const startedAt = now();
    gauge.outstanding++;
    stats.sent++;
    if (gauge.outstanding > stats.peakOutstanding) stats.peakOutstanding = gauge.outstanding;
    const settle = (error?: unknown): void => {
      // Abandoned ones were settled when the run gave up on them.
      if (!inFlight.delete(index)) return;
      onSettled({
        index,
        intendedAt,
        startedAt,
        endedAt: now(),
        outcome: "sent",
        ...(error === undefined ? {} : { error }),
      });
    };
    const done = Promise.resolve()
      .then(() => operation(index))
      .then(
        () => settle(),
        (error: unknown) => settle(error ?? new Error("rejected without a reason")),
      )
      .finally(() => {
        gauge.outstanding--;
        freed?.();
      });
    inFlight.set(index, { intendedAt, startedAt, done });
  };

  let next = 0;
  // Operations below this index have been counted in heldBack.
  let heldUpTo = 0;
  while (next < schedule.count && !options.signal?.aborted) {
    const t = now();
    while (next < schedule.count && intended(next) <= t && gauge.outstanding < maxOutstanding) send(next++);
    if (next >= schedule.count || t > deadline) break;
    const due = intended(next);
    if (due <= t) {
      // Due, but the limit is reached: wait for a slot, and count every operation that falls due meanwhile.
      const waitFrom = now();
      await sleep(deadline - waitFrom, options.signal, (wake) => {
        freed = wake;
      });
      freed = undefined;
      // Operations that complete without I/O (an in-memory engine) free slots in microtasks: let timers, I/O and
      // setImmediate work (in-process fan-out, the progress line) run before sending more.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const waitTo = now();
      stats.heldBackMs += waitTo - waitFrom;
      let i = Math.max(next, heldUpTo);
      while (i < schedule.count && intended(i) <= waitTo) i++;
      stats.heldBack += i - Math.max(next, heldUpTo);
      heldUpTo = Math.max(heldUpTo, i);
    } else {
      await sleep(due - t, options.signal);
    }
  }
  // Given up on (drain timeout or abort): settled unsent, with the time they had waited so far.
  const gaveUpAt = now();
  for (let i = next; i < schedule.count; i++) {
    const intendedAt = intended(i);
    if (intendedAt > gaveUpAt) break;
    stats.unsent++;
    onSettled({ index: i, intendedAt, startedAt: gaveUpAt, endedAt: gaveUpAt, outcome: "unsent" });
  }
  const left = Math.max(0, deadline - now());
  await sleep(left, undefined, (wake) => {
    Promise.allSettled([...inFlight.values()].map((f) => f.done)).then(wake);
  });
  const abandonedAt = now();
  for (const [index, f] of [...inFlight].sort((a, b) => a[0] - b[0])) {
    inFlight.delete(index);
    stats.abandoned++;
    onSettled({ index, intendedAt: f.intendedAt, startedAt: f.startedAt, endedAt: abandonedAt, outcome: "abandoned" });
  }
  stats.endedAt = abandonedAt;
  return stats;
}

/**
 * Resolves after `ms` (at once when ≤ 0), when `signal` aborts, or when the `wake` function handed to `early` is
 * called, whichever comes first; the timer is cleared either way, so no wait outlives its use.
 */
function sleep(ms: number, signal?: AbortSignal, early?: (wake: () => void) => void): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
    early?.(done);
  });
}
