import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Where the ego-Twitter dataset sits relative to a checkout: `shared/` beside the project. */
export const DATASET_RELATIVE_PATH = join("..", "shared", "datasets", "ego-twitter", "twitter_combined.txt.gz");

/** Where {@link findDataset} looked, and what it found. */
export interface DatasetSearch {
  /** The first candidate that exists, if any. */
  found: string | undefined;
  /** Every path tried, in order. */
  candidates: string[];
}

/**
 * Finds the ego-Twitter edge list: an explicit path only, when given; otherwise `$FEED_ENGINE_DATASET`, then
 * `../shared/datasets/ego-twitter/twitter_combined.txt.gz` relative to `cwd` and each of its parents up to the root.
 */
export function findDataset(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): DatasetSearch {
  const candidates: string[] = [];
  if (explicit !== undefined) {
    candidates.push(resolve(cwd, explicit));
  } else {
    if (env.FEED_ENGINE_DATASET) candidates.push(resolve(cwd, env.FEED_ENGINE_DATASET));
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      const candidate = resolve(dir, DATASET_RELATIVE_PATH);
      if (!candidates.includes(candidate)) candidates.push(candidate);
      if (dirname(dir) === dir) break;
    }
  }
  return { found: candidates.find((path) => existsSync(path)), candidates };
}
