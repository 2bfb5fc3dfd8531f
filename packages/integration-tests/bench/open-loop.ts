/**
 * An open-loop load generator. Request i is due at `start + i / rate`, whatever happened to the requests before it:
 * each is sent on its own promise as soon as it is due, so concurrency is bounded only by the schedule. Latency is
 * measured from the request's INTENDED send time to its completion, so time spent waiting behind a slow request (or
 * behind a late timer or a busy event loop) counts, instead of being hidden (coordinated omission).
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface OpenLoopOptions {
  /** Offered requests per second. */
  rate: number;
  /** Requests due in the first `warmupMs` are sent but not measured. */
  warmupMs: number;
  /** Requests due in the following `measureMs` are measured. */
  measureMs: number;
  /**
   * Stop offering load once this many requests are outstanding: the system is not keeping up and latency only grows
   * with the length of the run. The result is then marked saturated.
   */
  maxOutstanding: number;
  /** Sends request number `i`. */
  request: (i: number) => Promise<unknown>;
}

export interface OpenLoopResult {
  offeredPerSecond: number;
  /** Requests sent, warm-up included. */
  sent: number;
  /** Measured requests completed per second of the measurement window (until the last of them completed). */
  achievedPerSecond: number;
  /** Requests the latencies are over. */
  measured: number;
  errors: number;
  firstError: string | undefined;
  /** Milliseconds from intended send time to completion. */
  p50: number;
  p99: number;
  max: number;
  /** Seconds into the schedule (warm-up included) at which the request with the `max` latency was due. */
  worstAtSeconds: number;
  /**
   * The backlog passed `maxOutstanding` and sending stopped early. Latencies and rate are then over every request that
   * was sent (warm-up included); they are lower bounds of what the full schedule would have seen.
   */
  saturated: boolean;
  /** Seconds into the schedule at which sending stopped, when saturated. */
  stoppedAfterSeconds: number | undefined;
}

/** The nearest-rank percentile (p in 0-100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Runs the schedule to the end (or until saturated), then waits for every request sent to complete. */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, warmupMs, measureMs, maxOutstanding, request } = options;
  const intervalMs = 1000 / rate;
  const warmupCount = Math.round((warmupMs * rate) / 1000);
  const total = warmupCount + Math.round((measureMs * rate) / 1000);
  const latency = new Float64Array(total).fill(Number.NaN);
  const completedAt = new Float64Array(total).fill(Number.NaN);
  let outstanding = 0;
  let errors = 0;
  let firstError: string | undefined;

  const start = performance.now() + 5;
  const intended = (i: number) => start + i * intervalMs;
  const send = async (i: number): Promise<void> => {
    outstanding++;
    try {
      await request(i);
      const done = performance.now();
      latency[i] = done - intended(i);
      completedAt[i] = done;
    } catch (error) {
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
    } finally {
      outstanding--;
    }
  };

  const inFlight: Promise<void>[] = [];
  let sent = 0;
  let saturated = false;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && intended(sent) <= now) inFlight.push(send(sent++));
    if (outstanding > maxOutstanding) {
      saturated = true;
      break;
    }
    if (sent < total) await sleep(Math.max(0, intended(sent) - performance.now()));
  }
  const stoppedAfterSeconds = saturated ? (performance.now() - start) / 1000 : undefined;
  await Promise.all(inFlight);

  const from = saturated ? 0 : warmupCount;
  const to = saturated ? sent : total;
  const window = latency.subarray(from, to).filter((ms) => !Number.isNaN(ms));
  window.sort();
  let worst = from;
  for (let i = from; i < to; i++) if (latency[i]! > latency[worst]! || Number.isNaN(latency[worst]!)) worst = i;
  let lastDone = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) if (completedAt[i]! > lastDone) lastDone = completedAt[i]!;
  const seconds = Math.max((lastDone - intended(from)) / 1000, (to - from) / rate);
  return {
    offeredPerSecond: rate,
    sent,
    achievedPerSecond: window.length / seconds,
    measured: window.length,
    errors,
    firstError,
    p50: percentile(window, 50),
    p99: percentile(window, 99),
    max: window.length === 0 ? Number.NaN : window[window.length - 1]!,
    worstAtSeconds: (intended(worst) - start) / 1000,
    saturated,
    stoppedAfterSeconds,
  };
}
