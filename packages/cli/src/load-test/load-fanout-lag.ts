import type { FeedEngine } from "@feed-engine/core";
import { probeFanoutLag } from "./fanout-lag.js";
import { LatencyHistogram } from "./latency-histogram.js";
import { distributionOf, percentilesOf } from "./load-recorder.js";
import type { LoadTestReport } from "./load-test-report.js";
import type { Workload } from "./workload.js";

/** Options of {@link LoadFanoutLag}. */
export interface LoadFanoutLagOptions {
  /** Probes to run, spread evenly over the measured window. */
  samples: number;
  random: () => number;
  /** When the measured window starts, on `performance.now()`'s clock. */
  startAt: number;
  durationMs: number;
  /** Give up on one probe after this long. Default 10 s. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Fan-out lag probes alongside the load: probe `k` of `n` starts at `startAt + (k + ½)·duration/n`, one at a time;
 * a probe whose start falls after the measured window (because earlier ones were slow) is skipped, so every probe
 * measures the system under the offered load.
 */
export class LoadFanoutLag {
  readonly #engine: FeedEngine;
  readonly #workload: Workload;
  readonly #o: LoadFanoutLagOptions;
  readonly #lag = new LatencyHistogram();
  readonly #samples: number[] = [];
  #timedOut = 0;
  #noFollower = 0;
  #failed = 0;
  #notStarted = 0;
  #polls = 0;

  constructor(engine: FeedEngine, workload: Workload, options: LoadFanoutLagOptions) {
    this.#engine = engine;
    this.#workload = workload;
    this.#o = options;
  }

  /** Runs every probe; resolves when the last is done. Never rejects: a probe that throws counts as failed. */
  async run(): Promise<void> {
    const { samples, startAt, durationMs } = this.#o;
    const end = startAt + durationMs;
    for (let k = 0; k < samples; k++) {
      const at = startAt + ((k + 0.5) * durationMs) / samples;
      await sleep(at - performance.now());
      if (performance.now() > end) {
        this.#notStarted += samples - k;
        return;
      }
      try {
        const probe = await probeFanoutLag(this.#engine, {
          pickAuthor: () => this.#workload.user(),
          random: this.#o.random,
          text: `${this.#workload.postText()} (fan-out lag probe)`,
          ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }),
        });
        if (probe.outcome === "visible") {
          this.#lag.record(probe.ms * 1000);
          this.#samples.push(Math.round(probe.ms * 1000) / 1000);
        } else if (probe.outcome === "timed-out") this.#timedOut++;
        else this.#noFollower++;
        if (probe.outcome !== "no-follower") this.#polls += probe.polls;
      } catch {
        this.#failed++;
      }
    }
  }

  /** What the probes measured so far. */
  report(): LoadTestReport["fanoutLag"] {
    return {
      probes: this.#o.samples,
      visible: this.#samples.length,
      timedOut: this.#timedOut,
      failed: this.#failed,
      noFollower: this.#noFollower,
      notStarted: this.#notStarted,
      polls: this.#polls,
      latencyMs: percentilesOf(this.#lag),
      distribution: distributionOf(this.#lag),
      samplesMs: this.#samples,
    };
  }
}
