/** Percentiles of a set of timings, in milliseconds; `null` fields when nothing was measured. */
export interface LatencySummary {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Where the demo's follow graph came from. */
export type DemoDataset =
  | { kind: "file"; path: string }
  | {
      kind: "synthetic";
      users: number;
      celebrities: number;
      /** Share of all users that follows each celebrity. */
      celebrityShares: number[];
      seed: number;
      /** Why the synthetic graph ran when a file was wanted (the dataset was missing), if so. */
      fallbackReason: string | null;
    };

/** What `feed-engine demo` measured: the data printed as a table, or as-is with `--json`. */
export interface DemoReport {
  dataset: DemoDataset;
  /** Accounts in the engine. */
  users: number;
  /** Follow edges in the engine. */
  edges: number;
  /** `A A` lines skipped while reading the dataset. */
  selfLoopsSkipped: number;
  /** Malformed dataset lines skipped. */
  badLines: number;
  /** Rows `importUsers`/`importFollows` rejected or found already present (duplicates). */
  importSkipped: { users: number; follows: number };
  /** Hybrid policy: authors with at least this many followers are pulled at read time. */
  threshold: number;
  /** How the threshold was chosen: the `--threshold` option or the auto rule. */
  thresholdRule: string;
  /** Accounts at or above the threshold. */
  pulledAccounts: number;
  /** Users last seen 31-365 days ago: not pushed to (hybrid skips followers away for more than 30 days). */
  inactiveUsers: number;
  seed: number;
  posts: number;
  /** Posts by authors at or above the threshold (delivered by pull). */
  pulledPosts: number;
  reads: number;
  readsPerPost: number;
  /** Timeline writes fan-out made (sum of `FanoutReport.deliveries`). */
  deliveries: number;
  deliveriesPerPost: number;
  /** What push-all would have written: the mean author follower count over the posts. */
  pushAllDeliveriesPerPost: number;
  /** 1 - deliveries / push-all deliveries. */
  savedShare: number;
  /** Deliveries not made because the follower was inactive. */
  skippedInactive: number;
  /** Home timeline read latency (20 entries, in-process). */
  readLatencyMs: LatencySummary;
  /** From the post's creation to the end of its fan-out (ms resolution). */
  fanoutLagMs: LatencySummary;
  /** Peak resident set size of the process (from the OS). */
  peakRssMb: number;
  /** Largest V8 heap use seen (sampled at phases and during the workload). */
  peakHeapMb: number;
  /** Reading or generating the graph. */
  graphSeconds: number;
  /** Graph read plus import, timeline setup and activity. */
  loadSeconds: number;
  /** Posts and reads, including the final drain. */
  workloadSeconds: number;
  totalSeconds: number;
}
