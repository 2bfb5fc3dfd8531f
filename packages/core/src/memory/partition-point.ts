/**
 * Binary search: the first index of `items` where `before(item)` is false, given that it is true for a prefix of
 * `items` and false for the rest. Every sorted-array lookup of the in-memory stores is this one function.
 */
export function partitionPoint<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
