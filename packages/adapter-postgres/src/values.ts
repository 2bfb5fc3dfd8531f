import { FeedError, isId } from "@feed-engine/core";

/** The largest id a PostgreSQL `bigint` holds (2^63 - 1). Snowflake ids (63 bits) and Twitter's ids fit. */
export const MAX_PG_ID = "9223372036854775807";
/** Longest value in an indexed text column (handles, notification keys), in UTF-8 bytes; btree rows cap near 2.7 kB. */
export const MAX_KEY_BYTES = 1024;
/** Longest value in any other text column (display names, post text, media URLs), in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 65_536;
/** Most elements in an array column (mentions, media). */
export const MAX_ARRAY_LENGTH = 1000;

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

function invalid(where: string, field: string, message: string): FeedError {
  return new FeedError("VALIDATION", `${where}: ${field} ${message}`, { field });
}

/** True when a canonical id also fits a signed 64-bit `bigint`. */
function fitsBigint(id: string): boolean {
  return id.length < MAX_PG_ID.length || (id.length === MAX_PG_ID.length && id <= MAX_PG_ID);
}

/**
 * Checks a user, post or like id before it reaches a `bigint` column or parameter: a canonical decimal id of at most
 * 2^63 - 1. Throws `VALIDATION` (prefixed with `where`) otherwise, so a bad id never becomes a SQL error or a wrap.
 */
export function pgId(value: unknown, where: string, field: string): string {
  if (!isId(value)) throw invalid(where, field, `must be a decimal id string (got ${shown(value)})`);
  if (!fitsBigint(value)) {
    throw invalid(
      where,
      field,
      `is above ${MAX_PG_ID}, the largest id PostgreSQL's bigint holds (got ${shown(value)})`,
    );
  }
  return value;
}

/** Throws `VALIDATION` unless `value` is an array. */
export function pgList(value: unknown, where: string, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalid(where, field, `must be an array (got ${typeof value})`);
  return value;
}

/** {@link pgId} for every element; `field` is reported with the index of the bad one. */
export function pgIds(values: readonly unknown[], where: string, field: string): string[] {
  return pgList(values, where, field).map((value, i) => pgId(value, where, `${field}[${i}]`));
}

/**
 * Ids checked by {@link pgId} as one `bigint[]` literal (`{1,2,3}`). They are digits only, so it needs no quoting;
 * given the array itself, pg would quote and escape every element on every call.
 */
export function pgIdArrayLiteral(checked: readonly string[]): string {
  return `{${checked.join(",")}}`;
}

/** Checks a time in milliseconds stored as `bigint`: a safe integer. */
export function pgMillis(value: unknown, where: string, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw invalid(where, field, `must be an integer number of milliseconds (got ${String(value)})`);
  }
  return value;
}

/** Checks a boolean. */
export function pgBoolean(value: unknown, where: string, field: string): boolean {
  if (typeof value !== "boolean") throw invalid(where, field, `must be a boolean (got ${typeof value})`);
  return value;
}

/** Checks a number stored as `double precision`: finite. */
export function pgFinite(value: unknown, where: string, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalid(where, field, `must be a finite number (got ${String(value)})`);
  }
  return value;
}

/**
 * Why a string cannot be stored in a `text` column as it is, or undefined when it can: PostgreSQL text holds no NUL
 * character, strings travel as UTF-8 (an unpaired surrogate would silently become U+FFFD), and values have a size cap.
 */
export function unstorable(value: string, maxBytes: number, allowNul = false): string | undefined {
  if (!value.isWellFormed()) return "contains an unpaired UTF-16 surrogate";
  if (!allowNul && value.includes("\u0000")) return "contains a NUL character, which PostgreSQL text cannot hold";
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) return `is ${bytes} bytes of UTF-8; the limit is ${maxBytes}`;
  return undefined;
}

/** Throws `VALIDATION` unless `value` is a string. */
export function pgString(value: unknown, where: string, field: string): string {
  if (typeof value !== "string") throw invalid(where, field, `must be a string (got ${typeof value})`);
  return value;
}

/** Checks a string for a `text` column (see {@link unstorable}); throws `VALIDATION` with the reason. */
export function pgText(value: unknown, where: string, field: string, maxBytes: number, allowNul = false): string {
  const text = pgString(value, where, field);
  const reason = unstorable(text, maxBytes, allowNul);
  if (reason !== undefined) throw invalid(where, field, reason);
  return text;
}

/** Checks an array for an array column: at most {@link MAX_ARRAY_LENGTH} elements. */
export function pgArray(value: unknown, where: string, field: string): readonly unknown[] {
  const list = pgList(value, where, field);
  if (list.length > MAX_ARRAY_LENGTH) {
    throw invalid(where, field, `has ${list.length} elements; the limit is ${MAX_ARRAY_LENGTH}`);
  }
  return list;
}

/**
 * A page size as the in-memory stores read it: anything that is not a positive number selects nothing (0), fractions
 * round down, and sizes too large to matter (or infinite) mean "no limit" (`null`, which is `LIMIT ALL`).
 */
export function pgLimit(limit: number): number | null {
  const count = limit > 0 ? Math.floor(limit) : 0;
  return count > Number.MAX_SAFE_INTEGER ? null : count;
}
