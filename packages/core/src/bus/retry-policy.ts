import { FeedError } from "../errors/feed-error.js";

/**
 * How long to wait (ms) after attempt `attempt` failed, before attempt `attempt + 1`. Attempts count from 1.
 * A pure function of its arguments: `random` returns numbers in [0, 1), like `Math.random`, and is the only source of
 * randomness, so tests can drive it.
 */
export type RetryPolicy = (attempt: number, random: () => number) => number;

/** Options for {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** The bound after the first failed attempt (ms). Default 50. */
  baseMs?: number;
  /** The largest bound (ms). Default 30 000. */
  maxMs?: number;
  /** How much the bound grows per attempt (>= 1). Default 2. */
  factor?: number;
  /** Wait a random time in [0, bound) ("full jitter") instead of the bound itself. Default true. */
  jitter?: boolean;
}

/**
 * Exponential backoff: the bound after attempt `n` is `min(maxMs, baseMs * factor^(n - 1))`; with jitter the wait is
 * `random() * bound`, so retries from many workers spread out instead of arriving together.
 *
 * @example
 * const policy = exponentialBackoff({ baseMs: 100, maxMs: 5_000 });
 * const waitMs: number = policy(3, Math.random); // in [0, 400)
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): RetryPolicy {
  const { baseMs = 50, maxMs = 30_000, factor = 2, jitter = true } = options;
  check(Number.isFinite(baseMs) && baseMs >= 0, "baseMs", "a finite number >= 0", baseMs);
  check(Number.isFinite(maxMs) && maxMs >= 0, "maxMs", "a finite number >= 0", maxMs);
  check(Number.isFinite(factor) && factor >= 1, "factor", "a finite number >= 1", factor);
  return (attempt, random) => {
    const exponent = attempt > 1 ? Math.floor(attempt) - 1 : 0;
    // baseMs * factor ** exponent can overflow to Infinity (fine: min caps it) but 0 * Infinity is NaN.
    const bound = baseMs === 0 ? 0 : Math.min(maxMs, baseMs * factor ** exponent);
    if (!jitter) return bound;
    const r = random();
    // A source outside [0, 1) (or NaN) is clamped rather than trusted, so the wait stays within [0, bound].
    return r > 0 ? Math.min(r, 1) * bound : 0;
  };
}

function check(ok: boolean, field: string, expected: string, got: unknown): void {
  if (!ok) throw new FeedError("VALIDATION", `${field} must be ${expected} (got ${String(got)})`, { field });
}
