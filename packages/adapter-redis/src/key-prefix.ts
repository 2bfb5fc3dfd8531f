import { FeedError } from "@feed-engine/core";
import type { RedisClient } from "./client.js";

/**
 * Rejects a key prefix (the adapter's or the client's `keyPrefix`) holding `{` or `}`: a hash tag there would come
 * before the one each key relies on and put every key on one cluster slot.
 */
export function assertPrefix(prefix: unknown, client: RedisClient, where: string): asserts prefix is string {
  if (typeof prefix !== "string" || /[{}]/.test(prefix)) {
    const shown = typeof prefix === "string" ? JSON.stringify(prefix) : typeof prefix;
    throw new FeedError("VALIDATION", `${where}: prefix must be a string without { or } (got ${shown})`, {
      field: "prefix",
    });
  }
  const clientPrefix = client.options?.keyPrefix;
  if (clientPrefix !== undefined && /[{}]/.test(clientPrefix)) {
    throw new FeedError(
      "VALIDATION",
      `${where}: the client's keyPrefix must not contain { or } (got ${JSON.stringify(clientPrefix)})`,
      { field: "client" },
    );
  }
}
