import { isFeedError } from "@feed-engine/core";
import { LatencyHistogram } from "./latency-histogram.js";
import type {
  DistributionPoint,
  ErrorCount,
  LatencyPercentiles,
  OperationReport,
  TimePoint,
} from "./load-test-report.js";
import type { Settled } from "./open-loop.js";
import { OPERATIONS, type Operation } from "./workload-mix.js";

/** Percentiles the distribution charts plot (HdrHistogram's classic ticks, to 99.999). */
const DISTRIBUTION = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
const msOrNull = (us: number): number | null => (Number.isNaN(us) ? null : round(us / 1000));

/** p50/p90/p99/p99.9/max of a histogram of microseconds, in milliseconds. */
export function percentilesOf(h: LatencyHistogram): LatencyPercentiles {
  return {
    count: h.count,
    min: msOrNull(h.min),
    mean: msOrNull(h.mean),
    p50: msOrNull(h.percentile(50)),
    p90: msOrNull(h.percentile(90)),
    p99: msOrNull(h.percentile(99)),
    p999: msOrNull(h.percentile(99.9)),
    max: msOrNull(h.max),
  };
}

/** The percentile-distribution curve of a histogram of microseconds, in milliseconds. */
export function distributionOf(h: LatencyHistogram): DistributionPoint[] {
  if (h.count === 0) return [];
  return DISTRIBUTION.map((percentile) => ({ percentile, ms: round(h.percentile(percentile) / 1000) }));
}

/** The code an error is counted under: a `FeedError`'s code, a driver's `code` (ECONNRESET, SQLSTATE), else UNEXPECTED. */
export function errorCode(error: unknown): string {
  if (isFeedError(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code !== "" ? code : "UNEXPECTED";
}

class OperationStats {
  readonly latency = new LatencyHistogram();
  offered = 0;
  completed = 0;
  errors = 0;
  unsent = 0;
  abandoned = 0;
  readonly errorsByCode = new Map<string, ErrorCount>();

  error(error: unknown): void {
    this.errors++;
    const code = errorCode(error);
    const known = this.errorsByCode.get(code);
    if (known) known.count++;
    else {
      const sample = error instanceof Error ? error.message : String(error);
      this.errorsByCode.set(code, { code, count: 1, sample: sample.slice(0, 300) });
    }
  }

  report(seconds: number): OperationReport {
    return {
      offered: this.offered,
      completed: this.completed,
      errors: this.errors,
      unsent: this.unsent,
      abandoned: this.abandoned,
      perSecond: seconds > 0 ? this.completed / seconds : 0,
      latencyMs: percentilesOf(this.latency),
      errorsByCode: [...this.errorsByCode.values()].sort((a, b) => b.count - a.count),
      distribution: distributionOf(this.latency),
    };
  }
}

interface Bucket {
  offered: number;
  completed: number;
  errors: number;
  ops: Map<Operation, LatencyHistogram>;
}

/** What {@link LoadRecorder} needs to know about the run. */
export interface RecorderOptions {
  /** The operation of each scheduled index, as an index into `OPERATIONS`. */
  kinds: Uint8Array;
  /** Index of the first operation of the measured window (the ones before are warm-up). */
  measureFrom: number;
  /** When the measured window starts, on the clock. */
  measureStartAt: number;
  durationSeconds: number;
}

/**
 * Collects settled operations into per-operation HDR-style histograms (latency from the intended time), counts,
 * errors by code and a time series of per-bucket p50/p99 per operation, for the report and the live progress line.
 * Buckets are at least one second and at most ~300 per run, so memory stays bounded on long runs.
 */
export class LoadRecorder {
  readonly bucketSeconds: number;
  readonly #o: RecorderOptions;
  readonly #ops = new Map<Operation, OperationStats>();
  readonly #all = new OperationStats();
  readonly #buckets: Bucket[] = [];
  readonly sendLag = new LatencyHistogram();
  warmupOps = 0;
  warmupErrors = 0;
  /** When the last measured operation completed. */
  lastCompletedAt = 0;

  constructor(options: RecorderOptions) {
    this.#o = options;
    this.bucketSeconds = Math.max(1, Math.ceil(options.durationSeconds / 300));
    for (const op of OPERATIONS) this.#ops.set(op, new OperationStats());
  }

  /** Measured operations so far: completed, errors, and the p99 (ms) of all of them. */
  get progress(): { completed: number; errors: number; p99: number | null } {
    return {
      completed: this.#all.completed,
      errors: this.#all.errors + this.warmupErrors,
      p99: msOrNull(this.#all.latency.percentile(99)),
    };
  }

  /** Records one settled operation. */
  settle(s: Settled): void {
    const op = OPERATIONS[this.#o.kinds[s.index]!]!;
    if (s.outcome === "sent") this.sendLag.record((s.startedAt - s.intendedAt) * 1000);
    if (s.index < this.#o.measureFrom) {
      this.warmupOps++;
      if (s.error !== undefined) this.warmupErrors++;
      return;
    }
    const stats = this.#ops.get(op)!;
    const latencyUs = (s.endedAt - s.intendedAt) * 1000;
    const bucket = this.#bucket(s.intendedAt);
    stats.offered++;
    this.#all.offered++;
    bucket.offered++;
    if (s.outcome === "unsent") {
      stats.unsent++;
      this.#all.unsent++;
    } else if (s.outcome === "abandoned") {
      stats.abandoned++;
      this.#all.abandoned++;
    } else if (s.error !== undefined) {
      stats.error(s.error);
      this.#all.error(s.error);
      bucket.errors++;
      return;
    } else {
      stats.completed++;
      this.#all.completed++;
      this.#bucket(s.endedAt).completed++;
      if (s.endedAt > this.lastCompletedAt) this.lastCompletedAt = s.endedAt;
    }
    stats.latency.record(latencyUs);
    this.#all.latency.record(latencyUs);
    let h = bucket.ops.get(op);
    if (h === undefined) {
      h = new LatencyHistogram();
      bucket.ops.set(op, h);
    }
    h.record(latencyUs);
  }

  /** Per-operation reports (operations in the mix only), over `seconds` of measurement. */
  operations(seconds: number, mixed: readonly Operation[]): Partial<Record<Operation, OperationReport>> {
    return Object.fromEntries(mixed.map((op) => [op, this.#ops.get(op)!.report(seconds)]));
  }

  /** Every operation together. */
  all(seconds: number): OperationReport {
    return this.#all.report(seconds);
  }

  /** The time series, one point per bucket of the measured window. */
  timeline(): TimePoint[] {
    const points: TimePoint[] = [];
    const count = Math.ceil(this.#o.durationSeconds / this.bucketSeconds);
    for (let i = 0; i < Math.max(count, this.#buckets.length); i++) {
      const b = this.#buckets[i];
      const ops: TimePoint["ops"] = {};
      for (const [op, h] of b?.ops ?? []) {
        ops[op] = {
          count: h.count,
          p50: round(h.percentile(50) / 1000),
          p99: round(h.percentile(99) / 1000),
          max: round(h.max / 1000),
        };
      }
      points.push({
        t: i * this.bucketSeconds,
        offered: b?.offered ?? 0,
        completed: b?.completed ?? 0,
        errors: b?.errors ?? 0,
        ops,
      });
    }
    return points;
  }

  #bucket(at: number): Bucket {
    const i = Math.max(0, Math.floor((at - this.#o.measureStartAt) / 1000 / this.bucketSeconds));
    while (this.#buckets.length <= i) this.#buckets.push({ offered: 0, completed: 0, errors: 0, ops: new Map() });
    return this.#buckets[i]!;
  }
}
