/**
 * Picks indexes `0..n-1` with a Zipf-like skew: rank `r` (1-based) is picked with probability ∝ `r^-s`, ranks assigned
 * by a seeded shuffle so that the hot items are not simply the first ones. `s = 0` is uniform; YCSB's default, 0.99,
 * gives the top 1% of 100,000 items 60% of the picks. Exact: a cumulative table (8 bytes per item) and a binary
 * search per pick.
 */
export class ZipfPicker {
  readonly #cdf: Float64Array;
  readonly #rankToIndex: Uint32Array;
  readonly #random: () => number;

  /** `random` returns floats in [0, 1) (a seeded PRNG); it drives both the shuffle and the picks. */
  constructor(n: number, s: number, random: () => number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`need at least one item (got ${n})`);
    if (!(s >= 0 && Number.isFinite(s))) throw new RangeError(`skew must be >= 0 (got ${s})`);
    this.#random = random;
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += (r + 1) ** -s;
      this.#cdf[r] = sum;
    }
    for (let r = 0; r < n; r++) this.#cdf[r]! /= sum;
    this.#rankToIndex = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.#rankToIndex[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = this.#rankToIndex[i]!;
      this.#rankToIndex[i] = this.#rankToIndex[j]!;
      this.#rankToIndex[j] = t;
    }
  }

  /** Items to pick from. */
  get size(): number {
    return this.#cdf.length;
  }

  /** The item of rank `r` (1 is the hottest). */
  itemOfRank(r: number): number {
    return this.#rankToIndex[r - 1]!;
  }

  /** One pick. */
  next(): number {
    const u = this.#random();
    let lo = 0;
    let hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return this.#rankToIndex[lo]!;
  }
}
