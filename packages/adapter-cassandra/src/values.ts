import { FeedError, isId } from "@feed-engine/core";

/** Longest key value (handles, notification keys), in UTF-8 bytes: keys are clustering or partition key columns. */
export const MAX_KEY_BYTES = 1024;
/** Longest value of any other text column (display names, post text, media URLs), in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 65_536;
/** Most elements in a list column (mentions, media). */
export const MAX_LIST_LENGTH = 1000;

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/** A `VALIDATION` error for `field`, prefixed with `cassandra:` and where it was raised. */
export function invalid(where: string, field: string, message: string): FeedError {
  return new FeedError("VALIDATION", `cassandra: ${where}: ${field} ${message}`, { field });
}

/**
 * Checks an id before it becomes a `bigint` bind value: a canonical decimal string from 0 to 2^63 - 1 (exactly the
 * range of Cassandra's signed 64-bit `bigint`). The driver encodes the string itself, so ids never pass through a JS
 * number.
 */
export function cqlId(value: unknown, where: string, field: string): string {
  if (!isId(value)) throw invalid(where, field, `must be a decimal id string from 0 to 2^63-1 (got ${shown(value)})`);
  return value;
}

/** Throws `VALIDATION` unless `value` is an array. */
export function cqlList(value: unknown, where: string, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalid(where, field, `must be an array (got ${typeof value})`);
  return value;
}

/** {@link cqlId} for every element; `field` is reported with the index of the bad one. */
export function cqlIds(values: readonly unknown[], where: string, field: string): string[] {
  return cqlList(values, where, field).map((value, i) => cqlId(value, where, `${field}[${i}]`));
}

/** The distinct ids of `values`, checked, in first-seen order. */
export function distinctIds(values: readonly unknown[], where: string, field: string): string[] {
  return [...new Set(cqlIds(values, where, field))];
}

/** Checks a time in milliseconds stored as `bigint`: a safe integer. */
export function cqlMillis(value: unknown, where: string, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw invalid(where, field, `must be an integer number of milliseconds (got ${String(value)})`);
  }
  return value;
}

/** Checks a boolean. */
export function cqlBoolean(value: unknown, where: string, field: string): boolean {
  if (typeof value !== "boolean") throw invalid(where, field, `must be a boolean (got ${typeof value})`);
  return value;
}

/**
 * Checks a string for a `text` column: Cassandra stores any valid UTF-8, NUL included, so text is kept verbatim; a
 * string with an unpaired UTF-16 surrogate has no UTF-8 form (it would silently become U+FFFD) and is refused, as is
 * one over `maxBytes`.
 */
export function cqlText(value: unknown, where: string, field: string, maxBytes: number): string {
  if (typeof value !== "string") throw invalid(where, field, `must be a string (got ${typeof value})`);
  if (!value.isWellFormed()) throw invalid(where, field, "contains an unpaired UTF-16 surrogate");
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) throw invalid(where, field, `is ${bytes} bytes of UTF-8; the limit is ${maxBytes}`);
  return value;
}

/** Checks a list for a list column: at most {@link MAX_LIST_LENGTH} elements. */
export function cqlBoundedList(value: unknown, where: string, field: string): readonly unknown[] {
  const list = cqlList(value, where, field);
  if (list.length > MAX_LIST_LENGTH) {
    throw invalid(where, field, `has ${list.length} elements; the limit is ${MAX_LIST_LENGTH}`);
  }
  return list;
}

/**
 * A page size as the in-memory stores read it: anything that is not a positive number selects nothing (0), fractions
 * round down, and sizes too large for a CQL `LIMIT` (an int) are clamped to its maximum.
 */
export function cqlLimit(limit: number): number {
  const count = limit > 0 ? Math.floor(limit) : 0;
  return Math.min(count, 2_147_483_647);
}

/** A `bigint` column value (a driver `Long` or a JS `bigint`) as a decimal id string; `undefined` for null. */
export function idOf(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** A `bigint` column holding milliseconds, as a number. */
export function millisOf(value: unknown): number {
  return Number(String(value));
}

/** A `list<...>` column as strings; Cassandra stores an empty list as null. */
export function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v)) : [];
}
