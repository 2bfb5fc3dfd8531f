import { mulberry32 } from "../random/mulberry32.js";
import { EdgeBuffer } from "./edge-buffer.js";
import type { EdgeGraph } from "./edge-graph.js";

/** Options for {@link syntheticGraph}. */
export interface SyntheticGraphOptions {
  /** Users, celebrities included. At least 2 + `celebrities`. */
  users: number;
  /** Accounts followed by a large share of all users (users `0..celebrities-1`). Default 3. */
  celebrities?: number;
  /** PRNG seed; the same seed and options give the same graph. Default 42. */
  seed?: number;
  /** Median accounts a user follows besides celebrities (log-normal, like ego-Twitter's 9). Default 9. */
  medianFollowing?: number;
  /** Zipf exponent of popularity: in-degree then follows a power law with exponent 1 + 1/s. Default 0.8 (~2.25). */
  zipfExponent?: number;
  /** Called every ~10,000 users generated. */
  onProgress?: (usersDone: number, users: number) => void;
}

/** A generated graph, plus who its celebrities are. */
export interface SyntheticGraph extends EdgeGraph {
  /** Indexes of the celebrities, largest first. */
  celebrities: number[];
  /** Share of the other users that follows each celebrity. */
  celebrityShares: number[];
}

/** Share of everyone else that follows celebrity `i`: 95%, 90%, 85%, ..., never below 50%. */
export function celebrityShare(i: number): number {
  return Math.max(50, 95 - 5 * i) / 100;
}

/**
 * A seeded power-law follow graph with a few celebrities: a stand-in for Twitter when real data has no accounts with
 * 10^5+ followers.
 *
 * - Celebrity `i` is followed by exactly `round(celebrityShare(i) * (users - 1))` users, chosen uniformly.
 * - Every user also follows `k ~ LogNormal(ln(medianFollowing), 1)` other non-celebrity accounts, picked with
 *   probability proportional to a fixed Zipf popularity (rank r weighs `r^-s`, ranks a seeded shuffle of users):
 *   preferential attachment with fixed fitness, which gives a power-law in-degree.
 *
 * Ids are `"1".."users"`. There are no self-loops and no duplicate edges.
 */
export function syntheticGraph(options: SyntheticGraphOptions): SyntheticGraph {
  const { users, celebrities = 3, seed = 42, medianFollowing = 9, zipfExponent = 0.8, onProgress } = options;
  if (!Number.isInteger(users) || users < 2) throw new RangeError(`users must be an integer >= 2 (got ${users})`);
  if (!Number.isInteger(celebrities) || celebrities < 0 || celebrities > users - 2) {
    throw new RangeError(`celebrities must be an integer within 0-${users - 2} (got ${celebrities})`);
  }
  const random = mulberry32(seed);
  const ids = Array.from({ length: users }, (_, i) => String(i + 1));
  const edges = new EdgeBuffer();

  // Celebrity followers by selection sampling (Knuth's algorithm S): exactly `want` of the others, in one pass.
  const celebrityFollowers: Uint8Array[] = [];
  const celebrityShares: number[] = [];
  for (let c = 0; c < celebrities; c++) {
    const share = celebrityShare(c);
    const marks = new Uint8Array(users);
    let want = Math.round(share * (users - 1));
    let left = users - 1;
    for (let u = 0; u < users && want > 0; u++) {
      if (u === c) continue;
      if (random() * left < want) {
        marks[u] = 1;
        want--;
      }
      left--;
    }
    celebrityFollowers.push(marks);
    celebrityShares.push(share);
  }

  // Popularity ranks over the non-celebrities: a seeded shuffle, then a cumulative Zipf table for sampling.
  const pool = users - celebrities;
  const byRank = new Uint32Array(pool);
  for (let r = 0; r < pool; r++) byRank[r] = celebrities + r;
  for (let r = pool - 1; r > 0; r--) {
    const j = Math.floor(random() * (r + 1));
    const t = byRank[r]!;
    byRank[r] = byRank[j]!;
    byRank[j] = t;
  }
  const cumulative = new Float64Array(pool);
  let total = 0;
  for (let r = 0; r < pool; r++) {
    total += (r + 1) ** -zipfExponent;
    cumulative[r] = total;
  }
  const popular = (): number => {
    const x = random() * total;
    let lo = 0;
    let hi = pool - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return byRank[lo]!;
  };

  const mu = Math.log(medianFollowing);
  const maxFollowing = Math.min(1_000, Math.floor((pool - 1) / 2));
  const chosen = new Set<number>();
  for (let u = 0; u < users; u++) {
    // Box-Muller: a standard normal from two uniforms (1 - random() is in (0, 1], so the log is finite).
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const k = Math.max(1, Math.min(maxFollowing, Math.round(Math.exp(mu + z))));
    chosen.clear();
    for (let tries = 0; chosen.size < k && tries < 50 * k; tries++) {
      const v = popular();
      if (v !== u) chosen.add(v);
    }
    for (const v of chosen) edges.push(u, v);
    for (let c = 0; c < celebrities; c++) if (celebrityFollowers[c]![u] === 1) edges.push(u, c);
    if (onProgress && (u + 1) % 10_000 === 0) onProgress(u + 1, users);
  }
  onProgress?.(users, users);
  return {
    ids,
    ...edges.finish(),
    celebrities: Array.from({ length: celebrities }, (_, c) => c),
    celebrityShares,
  };
}
