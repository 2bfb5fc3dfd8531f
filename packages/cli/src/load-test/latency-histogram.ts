/** Linear sub-buckets per power of two: values are kept within 1/128 (0.8%) of what was recorded. */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Values at or above this (in the histogram's unit) are counted in the last bucket; 2^40 µs is 12.7 days. */
const LIMIT = 2 ** 40;
const MAX_INDEX = indexOf(LIMIT - 1);

/** Bit length of a non-negative integer below 2^53. */
function bitLength(v: number): number {
  return v < 2 ** 31 ? 32 - Math.clz32(v) : Math.floor(Math.log2(v)) + 1;
}

/**
 * Bucket of a non-negative integer: values below 2 * SUB are exact; each later power of two [SUB * 2^j, SUB * 2^(j+1))
 * is split into SUB buckets of width 2^j.
 */
function indexOf(v: number): number {
  const j = Math.max(0, bitLength(v) - SUB_BITS - 1);
  return j * SUB + Math.floor(v / 2 ** j);
}

/** The largest value that falls in bucket `index`. */
function highestIn(index: number): number {
  const j = Math.max(0, Math.floor(index / SUB) - 1);
  const low = (index - j * SUB) * 2 ** j;
  return low + 2 ** j - 1;
}

/** A histogram's state as JSON: the non-empty buckets as `[upper bound, count]` pairs. */
export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  sum: number;
  buckets: Array<[number, number]>;
}

/**
 * A log-linear (HdrHistogram-style) histogram of non-negative integers, such as latencies in microseconds: constant
 * memory per power of two, any percentile within 0.8% of the true value (never below it), exact count, min, max and
 * mean, and mergeable. The bucket array grows only as far as the largest value recorded, so thousands of
 * per-second histograms stay small.
 *
 * @example
 * const h = new LatencyHistogram();
 * h.record(1_250); // µs
 * h.percentile(99); // 1250
 */
export class LatencyHistogram {
  #counts = new Float64Array(2 * SUB);
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;
  #sum = 0;

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Smallest value recorded (exact); NaN when empty. */
  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }

  /** Largest value recorded (exact); NaN when empty. */
  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }

  /** Mean of the values recorded (exact); NaN when empty. */
  get mean(): number {
    return this.#count === 0 ? Number.NaN : this.#sum / this.#count;
  }

  /** Records `value` (rounded to an integer; negative counts as 0) `times` times. */
  record(value: number, times = 1): void {
    const v = Math.min(LIMIT - 1, Math.max(0, Math.round(value)));
    if (!Number.isFinite(value) || times <= 0) return;
    this.#add(indexOf(v), times);
    this.#count += times;
    this.#sum += v * times;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /** Adds every value recorded in `other` to this histogram. */
  merge(other: LatencyHistogram): void {
    if (other.#count === 0) return;
    const counts = other.#counts;
    for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) this.#add(i, counts[i]!);
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  /**
   * The nearest-rank percentile `p` (0-100): the upper bound of the bucket holding the ⌈p/100 · count⌉-th smallest
   * value, capped at the exact max (so `percentile(100)` is the max and no percentile is ever under-reported). NaN
   * when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100 (got ${p})`);
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.max(this.#min, Math.min(this.#max, highestIn(i)));
    }
    return this.#max;
  }

  /** The state as JSON, for reports. */
  snapshot(): HistogramSnapshot {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < this.#counts.length; i++) {
      if (this.#counts[i]! > 0) buckets.push([highestIn(i), this.#counts[i]!]);
    }
    return { count: this.#count, min: this.min, max: this.max, sum: this.#sum, buckets };
  }

  #add(index: number, times: number): void {
    const i = Math.min(index, MAX_INDEX);
    if (i >= this.#counts.length) {
      const grown = new Float64Array(Math.min(MAX_INDEX + 1, Math.max(i + 1, this.#counts.length * 2)));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    this.#counts[i]! += times;
  }
}
