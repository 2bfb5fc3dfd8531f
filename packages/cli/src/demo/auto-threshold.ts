/** The rule {@link autoThreshold} applies, for reports. */
export const AUTO_THRESHOLD_RULE = "auto: the smallest 1/2/5 x 10^k that at most 0.1% of accounts reach (min 100)";
/** The rule when celebrities must be pulled too. */
export const AUTO_THRESHOLD_RULE_CELEBRITIES = `${AUTO_THRESHOLD_RULE}, lowered to pull every celebrity`;

/** The 1/2/5 x 10^k series from 100 up, lazily. */
function* roundNumbers(): Generator<number> {
  for (let scale = 100; ; scale *= 10) for (const step of [1, 2, 5]) yield step * scale;
}

/**
 * Picks the hybrid celebrity threshold for a graph: the smallest round number (1, 2 or 5 x 10^k, at least 100) that at
 * most 0.1% of accounts reach, so only the graph's largest accounts are pulled. On ego-Twitter that is 1,000 (43
 * accounts); on the default synthetic graph, its celebrities and the very top of the power law.
 *
 * With `mustPull` (the smallest follower count of accounts that must be pulled, e.g. the synthetic celebrities), the
 * threshold is lowered to the largest round number at or below it when needed.
 */
export function autoThreshold(followers: ArrayLike<number>, mustPull = Number.POSITIVE_INFINITY): number {
  const allowed = Math.max(1, Math.floor(followers.length * 0.001));
  const sorted = Float64Array.from(followers).sort().reverse();
  // The (allowed+1)-th largest count must fall below the threshold.
  const mustExceed = sorted[allowed] ?? 0;
  let threshold = 100;
  for (const n of roundNumbers()) {
    threshold = n;
    if (n > mustExceed) break;
  }
  if (threshold <= mustPull) return threshold;
  let lowered = 100;
  for (const n of roundNumbers()) {
    if (n > mustPull) break;
    lowered = n;
  }
  return lowered;
}

/** How many accounts have at least `threshold` followers. */
export function countAtOrAbove(followers: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < followers.length; i++) if (followers[i]! >= threshold) n++;
  return n;
}
