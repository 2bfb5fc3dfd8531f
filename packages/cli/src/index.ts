/**
 * feed-engine's command line, as a library: backends configured by URL (`resolveConfig`, `openFeed`), the seed,
 * rebuild and verify operations, the demo workload and the graph loaders they use.
 *
 * ```ts
 * import { openFeed, resolveConfig, verifyTimelines, silentProgress } from "@feed-engine/cli";
 * const config = resolveConfig({ flags: {}, env: process.env });
 * const feed = await openFeed(config, { runWorkers: false });
 * try {
 *   const drift = await verifyTimelines(feed.engine, feed.userIds, { sample: 100, seed: 1, graceSeconds: 10, repair: false }, silentProgress);
 *   console.log(drift.drifted, "of", drift.checked);
 * } finally {
 *   await feed.close();
 * }
 * ```
 */

export type { BackendDriver, BackendRole, OpenedBackend, UserIdLister } from "./backends/backend-driver.js";
export { BACKENDS } from "./backends/backend-registry.js";
export { type OpenedFeed, type OpenFeedOptions, openFeed, policyOf, withFeed } from "./backends/open-feed.js";
export { type BackendUrl, parseBackendUrl } from "./config/backend-url.js";
export { type FeedConfig, type RawSettings, resolveConfig, SETTINGS, type Setting } from "./config/feed-config.js";
export { loadConfigFile } from "./config/load-config-file.js";
export type { DemoDataset, DemoReport, LatencySummary } from "./demo/demo-report.js";
export { DEMO_DEFAULTS, type DemoOptions, runDemo } from "./demo/run-demo.js";
export { CliError } from "./errors/cli-error.js";
export { type EdgeGraph, edgePairs, followerCounts } from "./graph/edge-graph.js";
export { type EdgeList, type ReadEdgeListOptions, readEdgeList } from "./graph/read-edge-list.js";
export { type SyntheticGraph, type SyntheticGraphOptions, syntheticGraph } from "./graph/synthetic-graph.js";
export { formatLoadTest } from "./load-test/format-load-test.js";
export { htmlReport } from "./load-test/html-report.js";
export { LatencyHistogram } from "./load-test/latency-histogram.js";
export type { LatencyPercentiles, LoadTestReport, OperationReport } from "./load-test/load-test-report.js";
export { type OpenLoopOptions, runOpenLoop, type Settled } from "./load-test/open-loop.js";
export { type RateSchedule, rateSchedule, runSchedule } from "./load-test/rate-schedule.js";
export { type LoadTestOptions, runLoadTest } from "./load-test/run-load-test.js";
export { formatDemoReport } from "./output/format-demo-report.js";
export { Progress, type ProgressSink, silentProgress } from "./output/progress.js";
export { mulberry32 } from "./random/mulberry32.js";
export { runSeed, type SeedOptions, type SeedReport } from "./seed/run-seed.js";
export { percentiles } from "./stats/percentiles.js";
export { type RebuildResult, type RebuildTimelinesOptions, rebuildTimelines } from "./timelines/rebuild-timelines.js";
export {
  checkTimeline,
  type TimelineCheck,
  type VerifyOptions,
  type VerifyResult,
  verifyTimelines,
} from "./timelines/verify-timelines.js";
