/**
 * feed-engine's command line, as a library: the demo workload and the graph loaders it uses.
 *
 * ```ts
 * import { runDemo } from "@feed-engine/cli";
 * const report = await runDemo({ synthetic: true, users: 20_000, posts: 200 });
 * console.log(report.deliveriesPerPost, report.pushAllDeliveriesPerPost);
 * ```
 */

export type { DemoDataset, DemoReport, LatencySummary } from "./demo/demo-report.js";
export { DEMO_DEFAULTS, type DemoOptions, runDemo } from "./demo/run-demo.js";
export { CliError } from "./errors/cli-error.js";
export { type EdgeGraph, edgePairs, followerCounts } from "./graph/edge-graph.js";
export { type EdgeList, type ReadEdgeListOptions, readEdgeList } from "./graph/read-edge-list.js";
export { type SyntheticGraph, type SyntheticGraphOptions, syntheticGraph } from "./graph/synthetic-graph.js";
export { formatDemoReport } from "./output/format-demo-report.js";
export { Progress, type ProgressSink, silentProgress } from "./output/progress.js";
export { mulberry32 } from "./random/mulberry32.js";
export { percentiles } from "./stats/percentiles.js";
