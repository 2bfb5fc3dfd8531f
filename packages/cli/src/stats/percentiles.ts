/**
 * Exact percentiles (nearest-rank) of `values`, one per entry of `ps` (each 0-100). Sorts a copy; `values` is not
 * changed. Returns NaN for each when `values` is empty.
 *
 * @example
 * const [p50, p99, max] = percentiles(new Float64Array([3, 1, 2]), [50, 99, 100]); // 2, 3, 3
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  for (const p of ps) {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100 (got ${p})`);
  }
  const n = values.length;
  if (n === 0) return ps.map(() => Number.NaN);
  const sorted = Float64Array.from(values).sort();
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  return ps.map((p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
}
