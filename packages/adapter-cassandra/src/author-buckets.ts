import type { Id } from "@feed-engine/core";

/** The width of one time bucket: 30 days of Snowflake time. */
export const BUCKET_MS = 30 * 24 * 3_600_000;

/** Bits below the millisecond field of a Snowflake id (10 worker bits and 12 sequence bits). */
const TIME_SHIFT = 22n;

/**
 * The time bucket of an id: its Snowflake milliseconds (counted from whatever epoch the generator uses) divided into
 * {@link BUCKET_MS} windows. The bucket never decreases as the id grows, so every id of a bucket is above every id of
 * the buckets below it: a newest-first walk can stop at the first bucket that fills the page.
 */
export function bucketOf(id: Id): number {
  return Number((BigInt(id) >> TIME_SHIFT) / BigInt(BUCKET_MS));
}
