import type { Operation, WorkloadMix } from "./workload-mix.js";

/** Latency percentiles in milliseconds (null when nothing was measured). */
export interface LatencyPercentiles {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/** One point of a percentile-distribution curve: `ms` is the latency at or below which `percentile`% completed. */
export interface DistributionPoint {
  percentile: number;
  ms: number;
}

/** An error code, how often it happened and one message, as the operation reported it. */
export interface ErrorCount {
  code: string;
  count: number;
  sample: string;
}

/** One operation's results over the measured window. */
export interface OperationReport {
  /** Operations due in the measured window: completed + errors + unsent + abandoned. */
  offered: number;
  /** Completed without error. */
  completed: number;
  errors: number;
  /** Never sent: still waiting for a slot (`--max-outstanding`) when the run gave up. */
  unsent: number;
  /** Sent, but still running when the run gave up waiting (`--drain-timeout` after the schedule). */
  abandoned: number;
  /** Completed operations per second of the measured window. */
  perSecond: number;
  /**
   * From each operation's intended send time (not its actual one) to its completion: completed operations, plus
   * unsent and abandoned ones at the time they had waited when the run gave up (a lower bound). Errors are counted
   * apart.
   */
  latencyMs: LatencyPercentiles;
  errorsByCode: ErrorCount[];
  /** The latency distribution, for charts. */
  distribution: DistributionPoint[];
}

/** One bucket of the time series (`bucketSeconds` long), by intended time from the start of the measured window. */
export interface TimePoint {
  /** Seconds from the start of the measured window to the start of the bucket. */
  t: number;
  /** Operations due in the bucket. */
  offered: number;
  /** Operations that completed without error in the bucket (by completion time). */
  completed: number;
  /** Operations due in the bucket that failed. */
  errors: number;
  /** Per operation: how many were due in the bucket, with their p50, p99 and max latency (ms). */
  ops: Partial<Record<Operation, { count: number; p50: number; p99: number; max: number }>>;
}

/** What `feed-engine load-test` measured. */
export interface LoadTestReport {
  backends: { source: string; timelines: string; bus: string };
  users: {
    /** Users the workload picks from. */
    count: number;
    /** `source`: listed from the source of truth; `seeded`: a synthetic graph this run seeded in memory. */
    from: "source" | "seeded";
    /** True when the source had more users than `--max-users` and only the first ones are used. */
    capped: boolean;
    /** Zipf exponent of the choice of users (0 is uniform). */
    skew: number;
    /** The synthetic graph seeded into `memory:`, when one was. */
    seeded?: { users: number; follows: number; posts: number; celebrities: number };
  };
  settings: {
    shape: { kind: "constant"; rate: number } | { kind: "ramp"; from: number; to: number };
    warmupSeconds: number;
    durationSeconds: number;
    maxOutstanding: number;
    mix: WorkloadMix;
    seed: number;
    lagSamples: number;
  };
  /** Operations due in the measured window, and their rate. */
  offered: { ops: number; perSecond: number };
  /**
   * Of those: completed without error, failed, never sent, abandoned while running, and completions per second over
   * `seconds`: the measured window, or longer when the last completion came after it.
   */
  achieved: {
    completed: number;
    errors: number;
    unsent: number;
    abandoned: number;
    perSecond: number;
    seconds: number;
  };
  /** Operations due in the warm-up (sent, not measured). */
  warmup: { ops: number; errors: number };
  /**
   * Whether the generator was held back by `--max-outstanding`: the system did not keep up with the offered rate, so
   * operations waited in this process (their wait counts in their latency).
   */
  saturation: {
    saturated: boolean;
    maxOutstanding: number;
    peakOutstanding: number;
    /** Operations in the whole schedule, warm-up included: what `heldBack` counts among. */
    scheduled: number;
    /** Operations (warm-up included) that fell due while `maxOutstanding` were in flight. */
    heldBack: number;
    heldBackSeconds: number;
    unsent: number;
    /** In-flight operations still running when the run stopped waiting for them. */
    abandoned: number;
    /** How late operations were sent after their intended time (timer and event-loop lateness, and holding back). */
    sendLagMs: LatencyPercentiles;
  };
  operations: Partial<Record<Operation, OperationReport>>;
  /** Every operation together. */
  all: OperationReport;
  errors: { total: number; byCode: ErrorCount[] };
  /** End-to-end fan-out lag: posting as an author until the post shows on a follower's home timeline. */
  fanoutLag: {
    /** Probes asked for: visible + timedOut + failed + noFollower + notStarted. */
    probes: number;
    visible: number;
    /** Probes whose post did not show within the probe timeout (10 s). */
    timedOut: number;
    /** Probes whose post or reads failed. */
    failed: number;
    /** Probes that found no author with followers in 20 tries. */
    noFollower: number;
    /** Probes not started before the measured window ended (earlier ones were slow, or the process was starved). */
    notStarted: number;
    /** Reads of the followers' timelines the probes made (load on top of the mix). */
    polls: number;
    latencyMs: LatencyPercentiles;
    distribution: DistributionPoint[];
    /** Every visible probe's lag, in probe order. */
    samplesMs: number[];
  };
  timeline: { bucketSeconds: number; points: TimePoint[] };
  totalSeconds: number;
}
