import { FeedError } from "@feed-engine/core";

/** The keyspace the adapters and {@link migrate} use unless told otherwise. */
export const DEFAULT_KEYSPACE = "feed_engine";

/** Cassandra keyspace names: up to 48 characters of letters, digits and `_`. */
const KEYSPACE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/**
 * Checks a keyspace name and returns it double-quoted for CQL text. Only plain identifiers (a letter, then letters,
 * digits or `_`, at most 48 characters) are accepted, so the quoted name can never close its quotes; every other value
 * in every statement is a bind marker.
 */
export function quoteKeyspace(keyspace: unknown, where: string): string {
  if (typeof keyspace !== "string" || !KEYSPACE.test(keyspace)) {
    const shown = typeof keyspace === "string" ? JSON.stringify(keyspace.slice(0, 60)) : typeof keyspace;
    throw new FeedError(
      "VALIDATION",
      `cassandra: ${where}: keyspace must be a letter followed by up to 47 letters, digits or _ (got ${shown})`,
      { field: "keyspace" },
    );
  }
  return `"${keyspace}"`;
}
