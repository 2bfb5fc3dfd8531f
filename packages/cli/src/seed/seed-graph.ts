import { statSync } from "node:fs";
import { CliError } from "../errors/cli-error.js";
import { type EdgeGraph, followerCounts } from "../graph/edge-graph.js";
import { readEdgeList } from "../graph/read-edge-list.js";
import { syntheticGraph } from "../graph/synthetic-graph.js";
import type { ProgressSink } from "../output/progress.js";

/** Where a seeded graph came from, as the seed report shows it. */
export type SeedGraphSource =
  | {
      kind: "file";
      path: string;
      gzip: boolean;
      lines: number;
      /** `A A` lines, skipped. */
      selfLoops: number;
      /** Lines that are not two user ids, skipped (fatal with `--strict`). */
      badLines: number;
      badLineSamples: string[];
    }
  | {
      kind: "synthetic";
      users: number;
      celebrities: number;
      /** Followers of each celebrity, largest first. */
      celebrityFollowers: number[];
      seed: number;
    };

/** Options of {@link loadSeedGraph}: a file, or the synthetic generator's settings. */
export interface SeedGraphOptions {
  file?: string | undefined;
  strict?: boolean | undefined;
  synthetic?: { users: number; celebrities: number; seed: number } | undefined;
}

const int = (n: number): string => n.toLocaleString("en-US");

/** Reads the edge list (bad lines counted, or fatal with `strict`) or generates the synthetic graph. */
export async function loadSeedGraph(
  o: SeedGraphOptions,
  progress: ProgressSink,
): Promise<{ graph: EdgeGraph; source: SeedGraphSource }> {
  if (o.file !== undefined) {
    let size = 0;
    try {
      size = statSync(o.file).size;
    } catch {
      throw new CliError(`cannot read edge list ${o.file}: no such file`);
    }
    progress.start("Reading graph", size, "bytes");
    const list = await readEdgeList(o.file, { strict: o.strict ?? false, onProgress: (done) => progress.update(done) });
    progress.end(`${int(list.ids.length)} users, ${int(list.from.length)} follows`);
    if (list.selfLoops > 0) progress.log(`feed-engine: skipped ${int(list.selfLoops)} self-follows ("A A" lines)`);
    if (list.badLines > 0) {
      progress.log(
        `feed-engine: skipped ${int(list.badLines)} malformed lines in ${o.file} (--strict makes them fatal), e.g. ${list.badLineSamples.join("; ")}`,
      );
    }
    if (list.ids.length === 0) throw new CliError(`${o.file} holds no follow edges ("A B" lines); nothing to seed`);
    const { lines, selfLoops, badLines, badLineSamples, gzip } = list;
    return { graph: list, source: { kind: "file", path: o.file, gzip, lines, selfLoops, badLines, badLineSamples } };
  }
  const s = o.synthetic;
  if (s === undefined) throw new CliError("seed needs an edge list file or --synthetic");
  if (s.celebrities > s.users - 2) throw new CliError(`--celebrities must be below --users - 1 (got ${s.celebrities})`);
  progress.start("Generating graph", s.users, "users");
  const graph = syntheticGraph({ ...s, onProgress: (done) => progress.update(done) });
  progress.end(
    `${int(graph.ids.length)} users, ${int(graph.from.length)} follows, ${graph.celebrities.length} celebrities`,
  );
  const counts = followerCounts(graph);
  return {
    graph,
    source: {
      kind: "synthetic",
      users: s.users,
      celebrities: s.celebrities,
      celebrityFollowers: graph.celebrities.map((c) => counts[c]!),
      seed: s.seed,
    },
  };
}
