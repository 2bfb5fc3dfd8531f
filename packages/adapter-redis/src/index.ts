/**
 * Redis adapters for feed-engine: materialized home timelines at ~9 bytes per entry (one string per timeline, Lua
 * scripts for atomic insert, dedupe and trim) and last-seen times, on a standalone server or a Redis Cluster.
 */

export type { PipelineReply, RedisClient, RedisPipeline } from "./client.js";
export { RedisActivityStore, type RedisActivityStoreOptions } from "./redis-activity-store.js";
export { RedisTimelineStore, type RedisTimelineStoreOptions } from "./redis-timeline-store.js";
