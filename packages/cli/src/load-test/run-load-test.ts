import type { UserId } from "@feed-engine/core";
import type { OpenedFeed } from "../backends/open-feed.js";
import { CliError } from "../errors/cli-error.js";
import { type ProgressSink, silentProgress } from "../output/progress.js";
import { mulberry32 } from "../random/mulberry32.js";
import { runSeed } from "../seed/run-seed.js";
import { LoadFanoutLag } from "./load-fanout-lag.js";
import { LoadRecorder, percentilesOf } from "./load-recorder.js";
import type { LoadTestReport } from "./load-test-report.js";
import { type OpenLoopGauge, runOpenLoop } from "./open-loop.js";
import { type LoadShape, runSchedule } from "./rate-schedule.js";
import { Workload } from "./workload.js";
import { mixPicker, OPERATIONS, type WorkloadMix } from "./workload-mix.js";
import { ZipfPicker } from "./zipf-picker.js";

/** Options of {@link runLoadTest}. */
export interface LoadTestOptions {
  shape: LoadShape;
  warmupSeconds: number;
  durationSeconds: number;
  /** Operations in flight at most (the generator's own queue beyond it is reported as saturation). */
  maxOutstanding: number;
  mix: WorkloadMix;
  /** Seeds the choice of operations, users, posts and lag probes. */
  seed: number;
  /** Zipf exponent of the choice of users; 0 is uniform. */
  skew: number;
  /** Fan-out lag probes spread over the measured window. */
  lagSamples: number;
  /** Users listed from the source of truth at most. */
  maxUsers: number;
  /** Users of the synthetic graph seeded when the source is `memory:` and empty. */
  memoryUsers: number;
  /** After the schedule, how long to wait for operations still queued or in flight. Default 10 s. */
  drainTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What the live progress line shows, read every few hundred milliseconds while the run goes. */
export interface LoadTestStatus {
  phase: "warm-up" | "measuring" | "draining";
  /** Seconds since the schedule started, and its length. */
  elapsed: number;
  total: number;
  /** The offered rate now (ops/s). */
  offeredRate: number;
  /** Operations settled so far (warm-up included), to derive the achieved rate between two reads. */
  settled: number;
  outstanding: number;
  p99: number | null;
  errors: number;
}

/** Lists up to `max` user ids from the source of truth; the second value says whether there were more. */
async function listUsers(feed: OpenedFeed, max: number): Promise<[UserId[], boolean]> {
  const lister = feed.userIds!;
  const users: UserId[] = [];
  while (users.length < max) {
    const page = await lister.page(users.at(-1), Math.min(10_000, max - users.length));
    users.push(...page);
    if (page.length === 0) return [users, false];
  }
  return [users, (await lister.page(users.at(-1), 1)).length > 0];
}

/**
 * Runs a load test on an opened feed: picks the users (listed from the source of truth, or a synthetic graph seeded
 * into an empty `memory:` source), then offers the mixed workload open-loop along the schedule, probing fan-out lag
 * meanwhile, and returns the report. Progress of the seeding goes to `progress`; `onStatus` is handed a function the
 * caller can poll for the live line.
 */
export async function runLoadTest(
  feed: OpenedFeed,
  options: LoadTestOptions,
  progress: ProgressSink = silentProgress,
  onStatus?: (status: () => LoadTestStatus) => void,
): Promise<LoadTestReport> {
  const startedAt = performance.now();
  const { engine } = feed;
  let users: UserId[];
  let capped = false;
  let seeded: LoadTestReport["users"]["seeded"];
  if (feed.userIds !== undefined) {
    [users, capped] = await listUsers(feed, options.maxUsers);
    if (users.length < 2) {
      throw new CliError(
        `the source of truth ${feed.backends.source} has ${users.length} user(s); load-test needs a seeded graph: ` +
          "run `feed-engine seed <edge-list> --posts-per-user 5` (or `seed --synthetic`) with the same backends first",
      );
    }
  } else if (feed.backends.source === "memory:") {
    progress.log(
      `feed-engine: --source memory: starts empty; seeding a synthetic graph of ${options.memoryUsers.toLocaleString("en-US")} users (1 celebrity, 5 posts each) in this process first`,
    );
    const report = await runSeed(
      feed,
      {
        synthetic: { users: options.memoryUsers, celebrities: 1, seed: options.seed },
        postsPerUser: 5,
        seed: options.seed,
      },
      progress,
    );
    // The synthetic graph's users are 1..N.
    users = Array.from({ length: options.memoryUsers }, (_, i) => String(i + 1));
    seeded = {
      users: report.users.imported,
      follows: report.follows.imported,
      posts: report.posts.created,
      celebrities: 1,
    };
  } else {
    throw new CliError(`cannot list the users of ${feed.backends.source}; load-test needs a source that can`);
  }

  const random = mulberry32(options.seed);
  const pick = new ZipfPicker(users.length, options.skew, random);
  const workload = new Workload(engine, users, pick, random, `load-test ${options.seed}`);
  if (options.mix.like > 0) await workload.harvest(20);

  const schedule = runSchedule(options.shape, options.warmupSeconds, options.durationSeconds);
  const kinds = new Uint8Array(schedule.count);
  const nextOp = mixPicker(options.mix, mulberry32(options.seed ^ 0x5bd1e995));
  for (let i = 0; i < kinds.length; i++) kinds[i] = OPERATIONS.indexOf(nextOp());
  const measureFrom = schedule.dueBefore(options.warmupSeconds);

  const gauge: OpenLoopGauge = { outstanding: 0 };
  const loopStart = performance.now() + 2;
  const measureStartAt = loopStart + options.warmupSeconds * 1000;
  const recorder = new LoadRecorder({ kinds, measureFrom, measureStartAt, durationSeconds: options.durationSeconds });
  const lag = new LoadFanoutLag(engine, workload, {
    samples: options.lagSamples,
    random: mulberry32(options.seed ^ 0x27d4eb2f),
    startAt: measureStartAt,
    durationMs: options.durationSeconds * 1000,
  });
  let settled = 0;
  let running = true;
  onStatus?.(() => {
    const elapsed = (performance.now() - loopStart) / 1000;
    const { errors, p99 } = recorder.progress;
    return {
      phase:
        elapsed < options.warmupSeconds ? "warm-up" : running && elapsed <= schedule.seconds ? "measuring" : "draining",
      elapsed: Math.max(0, elapsed),
      total: schedule.seconds,
      offeredRate: elapsed <= schedule.seconds ? schedule.rateAt(Math.max(0, elapsed)) : 0,
      settled,
      outstanding: gauge.outstanding,
      p99,
      errors,
    };
  });

  const lagDone = lag.run();
  const stats = await runOpenLoop(
    {
      schedule,
      maxOutstanding: options.maxOutstanding,
      operation: (i) => workload.start(OPERATIONS[kinds[i]!]!).then(() => undefined),
      onSettled: (s) => {
        settled++;
        recorder.settle(s);
      },
      startAt: loopStart,
      ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
    gauge,
  );
  running = false;
  await lagDone;
  // In-process fan-out still running for the last posts: finish it before the backends close.
  if (feed.inProcessBus) await engine.drain();

  const measuredMs = Math.max(options.durationSeconds * 1000, recorder.lastCompletedAt - measureStartAt);
  const seconds = measuredMs / 1000;
  const mixed = OPERATIONS.filter((op) => options.mix[op] > 0);
  const all = recorder.all(seconds);
  const offeredOps = schedule.count - measureFrom;
  return {
    backends: feed.backends,
    users: {
      count: users.length,
      from: seeded ? "seeded" : "source",
      capped,
      skew: options.skew,
      ...(seeded ? { seeded } : {}),
    },
    settings: {
      shape: options.shape,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      maxOutstanding: options.maxOutstanding,
      mix: options.mix,
      seed: options.seed,
      lagSamples: options.lagSamples,
    },
    offered: { ops: offeredOps, perSecond: offeredOps / options.durationSeconds },
    achieved: {
      completed: all.completed,
      errors: all.errors,
      unsent: all.unsent,
      abandoned: all.abandoned,
      perSecond: all.perSecond,
      seconds,
    },
    warmup: { ops: recorder.warmupOps, errors: recorder.warmupErrors },
    saturation: {
      saturated: stats.heldBack > 0 || stats.unsent > 0 || stats.abandoned > 0,
      maxOutstanding: options.maxOutstanding,
      peakOutstanding: stats.peakOutstanding,
      scheduled: schedule.count,
      heldBack: stats.heldBack,
      heldBackSeconds: stats.heldBackMs / 1000,
      unsent: stats.unsent,
      abandoned: stats.abandoned,
      sendLagMs: percentilesOf(recorder.sendLag),
    },
    operations: recorder.operations(seconds, mixed),
    all,
    errors: { total: all.errors, byCode: all.errorsByCode },
    fanoutLag: lag.report(),
    timeline: { bucketSeconds: recorder.bucketSeconds, points: recorder.timeline() },
    totalSeconds: (performance.now() - startedAt) / 1000,
  };
}
