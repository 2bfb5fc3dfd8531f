import { FeedError } from "@feed-engine/core";

/** The schema the adapters and {@link migrate} use unless told otherwise. */
export const DEFAULT_SCHEMA = "feed_engine";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks a schema name and returns it double-quoted for SQL text. Only plain identifiers (letters, digits and `_`, not
 * starting with a digit, at most 63 characters) are accepted, so the quoted name can never close its quotes; every
 * other value in every statement is a `$n` parameter.
 */
export function quoteSchema(schema: unknown, where: string): string {
  if (typeof schema !== "string" || !IDENTIFIER.test(schema)) {
    const shown = typeof schema === "string" ? JSON.stringify(schema.slice(0, 70)) : typeof schema;
    throw new FeedError(
      "VALIDATION",
      `${where}: schema must be 1-63 characters of A-Z, a-z, 0-9 or _, not starting with a digit (got ${shown})`,
      { field: "schema" },
    );
  }
  return `"${schema}"`;
}

/**
 * Key text for a transaction-level advisory lock (`pg_advisory_xact_lock(hashtextextended($1, 0))`), scoped to the
 * schema so that stores in different schemas of one database never wait on each other (a hash collision between two
 * keys only makes one wait, it never breaks anything).
 */
export function lockKey(schema: string, ...parts: string[]): string {
  return ["feed-engine", schema, ...parts].join(":");
}
