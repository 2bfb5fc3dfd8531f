import type { FeedStores } from "@feed-engine/core";
import type { PgPool } from "./pool.js";
import { PostgresGraphStore } from "./postgres-graph-store.js";
import { PostgresHomeContextStore } from "./postgres-home-context-store.js";
import { PostgresNotificationStore } from "./postgres-notification-store.js";
import { PostgresPostStore } from "./postgres-post-store.js";
import { PostgresUserStore } from "./postgres-user-store.js";

/** Options for {@link postgresStores}. */
export interface PostgresStoresOptions {
  /** A `pg.Pool` (follows, blocks and bulk loads run transactions). The caller owns it and ends it. */
  pool: PgPool;
  /** Schema migrated with `migrate` (default `"feed_engine"`). */
  schema?: string;
}

/**
 * Every PostgreSQL store on one schema, ready to spread into `createFeedEngine({ stores })`: users, posts, the graph,
 * notifications, and the home-context store that reads what a home read needs from those tables in one query.
 */
export function postgresStores(options: PostgresStoresOptions): Pick<
  FeedStores,
  "users" | "posts" | "graph" | "notifications"
> & {
  homeContext: PostgresHomeContextStore;
} {
  return {
    users: new PostgresUserStore(options),
    posts: new PostgresPostStore(options),
    graph: new PostgresGraphStore(options),
    notifications: new PostgresNotificationStore(options),
    homeContext: new PostgresHomeContextStore(options),
  };
}
