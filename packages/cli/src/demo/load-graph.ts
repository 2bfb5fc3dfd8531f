import { statSync } from "node:fs";
import { CliError } from "../errors/cli-error.js";
import type { EdgeGraph } from "../graph/edge-graph.js";
import { readEdgeList } from "../graph/read-edge-list.js";
import { syntheticGraph } from "../graph/synthetic-graph.js";
import type { ProgressSink } from "../output/progress.js";
import type { DemoDataset } from "./demo-report.js";
import { findDataset } from "./find-dataset.js";

/** What {@link loadGraph} needs to know. */
export interface LoadGraphOptions {
  /** An explicit edge list path; otherwise the ego-Twitter dataset is searched for. */
  dataset: string | undefined;
  synthetic: boolean;
  users: number;
  celebrities: number;
  seed: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A graph ready to import, and where it came from. */
export interface LoadedGraph {
  graph: EdgeGraph;
  dataset: DemoDataset;
  selfLoops: number;
  badLines: number;
  /** The synthetic celebrities, by index: always active, and always pulled under the auto threshold. */
  celebrities: number[];
}

const int = (n: number): string => n.toLocaleString("en-US");

/**
 * Reads the dataset (or generates the synthetic graph). A missing dataset is not an error: it says where it looked, on
 * the progress sink, and generates the synthetic graph instead.
 */
export async function loadGraph(o: LoadGraphOptions, progress: ProgressSink): Promise<LoadedGraph> {
  let fallbackReason: string | null = null;
  if (!o.synthetic) {
    const search = findDataset(o.dataset, o.cwd, o.env);
    if (search.found !== undefined) {
      const path = search.found;
      progress.start("Reading graph", statSync(path).size, "bytes");
      const list = await readEdgeList(path, { onProgress: (done) => progress.update(done) });
      progress.end(
        `${int(list.ids.length)} users, ${int(list.from.length)} follows (${int(list.selfLoops)} self-loops skipped)`,
      );
      if (list.badLines > 0) {
        progress.log(
          `feed-engine: skipped ${int(list.badLines)} malformed lines in ${path}, e.g. ${list.badLineSamples.join("; ")}`,
        );
      }
      if (list.from.length === 0) throw new CliError(`${path} holds no follow edges ("A B" lines); nothing to replay`);
      return {
        graph: list,
        dataset: { kind: "file", path },
        selfLoops: list.selfLoops,
        badLines: list.badLines,
        celebrities: [],
      };
    }
    fallbackReason =
      o.dataset !== undefined
        ? `dataset ${search.candidates[0]} not found`
        : `ego-Twitter dataset not found (looked in ${search.candidates.join(", ")})`;
    progress.log(`feed-engine: ${fallbackReason}; running the synthetic graph instead (--synthetic)`);
  }
  progress.start("Generating graph", o.users, "users");
  const graph = syntheticGraph({
    users: o.users,
    celebrities: o.celebrities,
    seed: o.seed,
    onProgress: (done) => progress.update(done),
  });
  progress.end(
    `${int(graph.ids.length)} users, ${int(graph.from.length)} follows, ${graph.celebrities.length} celebrities`,
  );
  return {
    graph,
    dataset: {
      kind: "synthetic",
      users: o.users,
      celebrities: o.celebrities,
      celebrityShares: graph.celebrityShares,
      seed: o.seed,
      fallbackReason,
    },
    selfLoops: 0,
    badLines: 0,
    celebrities: graph.celebrities,
  };
}
