/**
 * PostgreSQL adapters for feed-engine: users, posts, the follow graph, likes and notifications as the source of
 * truth. Run {@link migrate} once per schema (it is safe to run on every start), then pass the stores to
 * `createFeedEngine`. See README.md.
 */

export { mapPgError } from "./errors.js";
export { type MigrateOptions, type Migration, migrate, migrations } from "./migrate.js";
export type {
  PgPool,
  PgPoolClient,
  PgQueryable,
  PgQueryConfig,
  PgResult,
  PgSubmittable,
  PreparedStatement,
} from "./pool.js";
export type { CacheStats } from "./post-content-cache.js";
export { PostgresGraphStore, type PostgresGraphStoreOptions } from "./postgres-graph-store.js";
export {
  DEFAULT_FOLLOWEE_CACHE_IDS,
  DEFAULT_POST_CACHE_SIZE,
  PostgresHomeContextStore,
  type PostgresHomeContextStoreOptions,
} from "./postgres-home-context-store.js";
export { PostgresNotificationStore, type PostgresNotificationStoreOptions } from "./postgres-notification-store.js";
export { PostgresPostStore, type PostgresPostStoreOptions } from "./postgres-post-store.js";
export { type PostgresStoresOptions, postgresStores } from "./postgres-stores.js";
export { PostgresUserStore, type PostgresUserStoreOptions } from "./postgres-user-store.js";
export { DEFAULT_SCHEMA } from "./schema.js";
export { MAX_KEY_BYTES, MAX_PG_ID, MAX_TEXT_BYTES } from "./values.js";
