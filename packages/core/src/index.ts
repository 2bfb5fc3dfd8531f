/**
 * feed-engine core: the domain, its ports, the timeline and fan-out logic, and in-memory adapters that make up the
 * embedded default. See docs/architecture.md.
 */

export { MemoryEventBus, type MemoryEventBusOptions } from "./bus/memory-event-bus.js";
export { exponentialBackoff, type RetryPolicy } from "./bus/retry-policy.js";
export { type Clock, ManualClock, systemClock } from "./clock/clock.js";
export {
  type Blocked,
  type FeedEvent,
  type FeedTopic,
  type Followed,
  keyOf,
  type Liked,
  type PostCreated,
  type PostDeleted,
  topicOf,
  type Unblocked,
  type Unfollowed,
  type Unliked,
} from "./domain/events.js";
export type {
  NotificationGroup,
  NotificationPage,
  NotificationRecord,
  NotificationType,
  PageOptions,
  Post,
  PostRecord,
  PostRef,
  TimelineItem,
  TimelinePage,
  User,
  UserIdPage,
} from "./domain/types.js";
export {
  codePointLength,
  MAX_DISPLAY_NAME_CODE_POINTS,
  MAX_MEDIA,
  MAX_MEDIA_URL_LENGTH,
  MAX_TEXT_CODE_POINTS,
} from "./domain/validation.js";
export { createFeedEngine, FANOUT_GROUP, NOTIFICATIONS_GROUP } from "./engine/create-feed-engine.js";
export type { FeedEngine, ImportResult, ImportUser, PostInput, RegisterInput } from "./engine/feed-engine.js";
export type { FeedEngineOptions, FeedStores } from "./engine/options.js";
export { FeedError, type FeedErrorCode, type FeedErrorOptions, isFeedError } from "./errors/feed-error.js";
export {
  type AuthorStats,
  type DeliveryMode,
  type FanoutPolicy,
  type HybridOptions,
  hybrid,
  pullAll,
  pushAll,
} from "./fanout/fanout-policy.js";
export type { FanoutReport } from "./fanout/fanout-report.js";
export { type TimelineFanoutDeps, timelineFanout } from "./fanout/timeline-fanout.js";
export { assertId, compareIds, type Id, isId, MAX_ID, maxId, nextId, type PostId, type UserId } from "./ids/id.js";
export { decodeSnowflake, FEED_EPOCH_MS, Snowflake, snowflakeAt, snowflakeTime } from "./ids/snowflake.js";
export { MemoryActivityStore } from "./memory/memory-activity-store.js";
export { MemoryGraphStore } from "./memory/memory-graph-store.js";
export { MemoryHomeContextStore } from "./memory/memory-home-context-store.js";
export { MemoryNotificationStore } from "./memory/memory-notification-store.js";
export { MemoryPostStore } from "./memory/memory-post-store.js";
export { MemoryTimelineStore } from "./memory/memory-timeline-store.js";
export { MemoryUserStore } from "./memory/memory-user-store.js";
export { groupKey } from "./notifications/group-key.js";
export { type NotificationWriterDeps, notificationWriter } from "./notifications/notification-writer.js";
export type * from "./ports/index.js";
export { firstCandidates } from "./timeline/first-candidates.js";
export { PullOnlyTimelineStore } from "./timeline/pull-only-timeline-store.js";
