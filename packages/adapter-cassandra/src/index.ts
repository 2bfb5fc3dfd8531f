/**
 * Cassandra adapters for feed-engine: posts in time-bucketed author partitions, materialized home timelines and
 * notifications, plus users, the follow graph and last-seen times, for high write throughput. Run {@link migrate}
 * once per keyspace (it is safe to run again), then pass the stores to `createFeedEngine`. The caller creates,
 * connects and shuts down the cassandra-driver `Client`. See README.md for the data model.
 */

export { BUCKET_MS, bucketOf } from "./author-buckets.js";
export { CassandraActivityStore, type CassandraActivityStoreOptions } from "./cassandra-activity-store.js";
export { CassandraGraphStore, type CassandraGraphStoreOptions } from "./cassandra-graph-store.js";
export { CassandraNotificationStore, type CassandraNotificationStoreOptions } from "./cassandra-notification-store.js";
export { CassandraPostStore, type CassandraPostStoreOptions } from "./cassandra-post-store.js";
export { CassandraTimelineStore, type CassandraTimelineStoreOptions } from "./cassandra-timeline-store.js";
export { CassandraUserStore, type CassandraUserStoreOptions } from "./cassandra-user-store.js";
export type {
  CassandraBatchStatement,
  CassandraClient,
  CassandraQueryOptions,
  CassandraResult,
  CassandraRow,
} from "./client.js";
export { type CassandraStoreOptions, DEFAULT_CONCURRENCY } from "./cql-session.js";
export { mapCassandraError } from "./errors.js";
export { DEFAULT_KEYSPACE } from "./keyspace.js";
export { type MigrateOptions, type Migration, migrate, migrations } from "./migrate.js";
export { MAX_KEY_BYTES, MAX_LIST_LENGTH, MAX_TEXT_BYTES } from "./values.js";
