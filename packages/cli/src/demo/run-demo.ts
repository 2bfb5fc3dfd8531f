import { createFeedEngine, type FanoutReport, hybrid, MemoryEventBus } from "@feed-engine/core";
import { followerCounts } from "../graph/edge-graph.js";
import { type ProgressSink, silentProgress } from "../output/progress.js";
import { mulberry32 } from "../random/mulberry32.js";
import { percentiles } from "../stats/percentiles.js";
import {
  AUTO_THRESHOLD_RULE,
  AUTO_THRESHOLD_RULE_CELEBRITIES,
  autoThreshold,
  countAtOrAbove,
} from "./auto-threshold.js";
import type { DemoReport, LatencySummary } from "./demo-report.js";
import { loadGraph } from "./load-graph.js";
import { MemoryPeak } from "./memory-peak.js";
import { handleOf, seedEngine } from "./seed-engine.js";

/** Options for {@link runDemo}; every one has a default. */
export interface DemoOptions {
  /** Edge list to load; default: the ego-Twitter dataset, searched for from `cwd` upwards (or `$FEED_ENGINE_DATASET`). */
  dataset?: string;
  /** Generate a power-law graph with celebrities instead of reading a file. */
  synthetic?: boolean;
  /** Synthetic users. Default 100,000. */
  users?: number;
  /** Synthetic celebrities, each followed by 50-95% of users. Default 3. */
  celebrities?: number;
  /** Posts to make. Default 10,000. */
  posts?: number;
  /** Home timeline reads after each post. Default 50. */
  readsPerPost?: number;
  /** Hybrid celebrity threshold; default chosen from the graph (see {@link AUTO_THRESHOLD_RULE}). */
  threshold?: number;
  /** Share of users last seen 31-365 days ago. Default 0.2. */
  inactiveShare?: number;
  /** PRNG seed for the graph, activity and workload. Default 42. */
  seed?: number;
  /** Where the dataset search starts. Default `process.cwd()`. */
  cwd?: string;
  /** Environment for `FEED_ENGINE_DATASET`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives progress and notices. Default silent. */
  progress?: ProgressSink;
}

/** Defaults of {@link DemoOptions}, for help text. */
export const DEMO_DEFAULTS = {
  users: 100_000,
  celebrities: 3,
  posts: 10_000,
  readsPerPost: 50,
  inactiveShare: 0.2,
  seed: 42,
} as const;

/** Inactive for longer than this is not pushed to; seeding makes inactive users 31-365 days away. */
const INACTIVE_AFTER_DAYS = 30;
const PAUSE_EVERY_MS = 25;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

function summarize(values: ArrayLike<number>): LatencySummary {
  const [p50, p99, max] = percentiles(values, [50, 99, 100]).map((v) => (Number.isNaN(v) ? null : round(v!, 3)));
  return { p50: p50 ?? null, p99: p99 ?? null, max: max ?? null };
}

/**
 * The demo: loads a follow graph into an in-memory engine with the hybrid policy, replays posts and home timeline
 * reads, and returns what fan-out cost against push-all, read latency, fan-out lag and memory. Prints nothing; progress
 * goes to `options.progress`.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const startedAt = performance.now();
  const progress = options.progress ?? silentProgress;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const posts = options.posts ?? DEMO_DEFAULTS.posts;
  const readsPerPost = options.readsPerPost ?? DEMO_DEFAULTS.readsPerPost;
  const inactiveShare = options.inactiveShare ?? DEMO_DEFAULTS.inactiveShare;
  const memory = new MemoryPeak();
  let lastPause = performance.now();
  // In-memory stores resolve without ever yielding to the event loop; pausing now and then lets signals and timers in.
  const pause = async (): Promise<void> => {
    const now = performance.now();
    if (now - lastPause < PAUSE_EVERY_MS) return;
    memory.sample();
    await nextTurn();
    lastPause = performance.now();
  };

  const loaded = await loadGraph(
    {
      dataset: options.dataset,
      synthetic: options.synthetic ?? false,
      users: options.users ?? DEMO_DEFAULTS.users,
      celebrities: options.celebrities ?? DEMO_DEFAULTS.celebrities,
      seed,
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
    },
    progress,
  );
  const graphSeconds = (performance.now() - startedAt) / 1000;
  memory.sample();
  const { graph } = loaded;
  const followers = followerCounts(graph);
  const celebrityFollowers = loaded.celebrities.map((i) => followers[i]!);
  const mustPull = Math.min(Number.POSITIVE_INFINITY, ...celebrityFollowers);
  const auto = autoThreshold(followers, mustPull);
  const threshold = options.threshold ?? auto;
  const thresholdRule =
    options.threshold !== undefined
      ? "--threshold"
      : auto < autoThreshold(followers)
        ? AUTO_THRESHOLD_RULE_CELEBRITIES
        : AUTO_THRESHOLD_RULE;

  const fanouts: FanoutReport[] = [];
  const engine = createFeedEngine({
    policy: hybrid({ celebrityThreshold: threshold, inactiveAfterDays: INACTIVE_AFTER_DAYS }),
    bus: new MemoryEventBus({ autoDrain: true }),
    onFanout: (report) => fanouts.push(report),
  });
  try {
    const random = mulberry32(seed ^ 0x5eed);
    const seeded = await seedEngine(
      engine,
      graph,
      { inactiveShare, alwaysActive: loaded.celebrities, random, pause },
      progress,
    );
    memory.sample();
    const loadSeconds = (performance.now() - startedAt) / 1000;

    // Authors and readers: half uniform over active users, half weighted (by followers for authors, by accounts
    // followed for readers) by picking a random edge's end. Inactive users neither post nor read.
    const { ids, from, to } = graph;
    const active: number[] = [];
    for (let i = 0; i < ids.length; i++) if (seeded.inactive[i] === 0) active.push(i);
    if (active.length === 0) active.push(0);
    const pick = (ends: Uint32Array): number => {
      if (ends.length > 0 && random() < 0.5) {
        for (let tries = 0; tries < 8; tries++) {
          const v = ends[Math.floor(random() * ends.length)]!;
          if (seeded.inactive[v] === 0) return v;
        }
      }
      return active[Math.floor(random() * active.length)]!;
    };

    const workloadStartedAt = performance.now();
    const latencies = new Float64Array(posts * readsPerPost);
    let reads = 0;
    progress.start("Replaying workload", posts, "posts");
    for (let i = 0; i < posts; i++) {
      const author = pick(to);
      await engine.post(ids[author]!, { text: `Demo post ${i + 1} by ${handleOf(author)}` });
      // A server's event loop turns between requests, which is when the bus runs fan-out (autoDrain, setImmediate).
      await nextTurn();
      for (let r = 0; r < readsPerPost; r++) {
        const reader = ids[pick(from)]!;
        const t0 = performance.now();
        await engine.homeTimeline(reader);
        latencies[reads++] = performance.now() - t0;
      }
      progress.update(i + 1);
      await pause();
    }
    await engine.drain();
    progress.end(`${posts.toLocaleString("en-US")} posts, ${reads.toLocaleString("en-US")} reads`);
    const workloadSeconds = (performance.now() - workloadStartedAt) / 1000;

    let deliveries = 0;
    let pushAll = 0;
    let skippedInactive = 0;
    let pulledPosts = 0;
    const lags = new Float64Array(fanouts.length);
    fanouts.forEach((f, i) => {
      deliveries += f.deliveries;
      pushAll += f.followers;
      skippedInactive += f.skippedInactive;
      if (f.mode === "pull") pulledPosts++;
      lags[i] = f.finishedAt - f.eventAt;
    });
    const fanned = Math.max(1, fanouts.length);
    return {
      dataset: loaded.dataset,
      users: seeded.users.imported + seeded.users.existing,
      edges: seeded.follows.imported + seeded.follows.existing,
      selfLoopsSkipped: loaded.selfLoops,
      badLines: loaded.badLines,
      importSkipped: {
        users: seeded.users.rejected + seeded.users.existing,
        follows: seeded.follows.rejected + seeded.follows.existing,
      },
      threshold,
      thresholdRule,
      pulledAccounts: countAtOrAbove(followers, threshold),
      inactiveUsers: seeded.inactiveCount,
      seed,
      posts,
      pulledPosts,
      reads,
      readsPerPost,
      deliveries,
      deliveriesPerPost: round(deliveries / fanned, 1),
      pushAllDeliveriesPerPost: round(pushAll / fanned, 1),
      savedShare: pushAll > 0 ? round(1 - deliveries / pushAll, 4) : 0,
      skippedInactive,
      readLatencyMs: summarize(latencies.subarray(0, reads)),
      fanoutLagMs: summarize(lags),
      peakRssMb: memory.rssMb,
      peakHeapMb: memory.heapMb,
      graphSeconds: round(graphSeconds, 2),
      loadSeconds: round(loadSeconds, 2),
      workloadSeconds: round(workloadSeconds, 2),
      totalSeconds: round((performance.now() - startedAt) / 1000, 2),
    };
  } finally {
    await engine.close();
  }
}
