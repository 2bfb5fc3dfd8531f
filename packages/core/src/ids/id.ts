import { FeedError } from "../errors/feed-error.js";

/**
 * Ids (users, posts, notifications) are integers from 0 to 2^63-1 written as canonical decimal strings ("0" or no
 * leading zeros). They never pass through a JS `number`, which is exact only to 2^53. 2^63-1 is the largest value of
 * the signed 64-bit integer every backend has (PostgreSQL and Cassandra `bigint`); a Snowflake id uses 63 bits, and so
 * do Twitter's user ids.
 */
export type Id = string;
/** A user's id: a decimal string. */
export type UserId = Id;
/** A post's id: a Snowflake id as a decimal string, so its order is its creation order. */
export type PostId = Id;

/** The largest id: 2^63-1. */
export const MAX_ID = "9223372036854775807";
const MAX_ID_BIGINT = BigInt(MAX_ID);
const ID_PATTERN = /^(0|[1-9][0-9]{0,18})$/;

/** True when `value` is a canonical decimal id from 0 to 2^63-1. */
export function isId(value: unknown): value is Id {
  return typeof value === "string" && ID_PATTERN.test(value) && (value.length < 19 || BigInt(value) <= MAX_ID_BIGINT);
}

/** Throws a `VALIDATION` FeedError unless `value` is a canonical id. */
export function assertId(value: unknown, field: string): asserts value is Id {
  if (!isId(value)) {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
    throw new FeedError("VALIDATION", `${field} must be a decimal id string from 0 to 2^63-1 (got ${shown})`, {
      field,
    });
  }
}

/** Numeric order of two canonical ids: negative when a < b. Shorter strings are smaller numbers. */
export function compareIds(a: Id, b: Id): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The larger of two ids. */
export function maxId(a: Id, b: Id): Id {
  return compareIds(a, b) >= 0 ? a : b;
}

/** The id just above `id` (id + 1). */
export function nextId(id: Id): Id {
  return (BigInt(id) + 1n).toString();
}
