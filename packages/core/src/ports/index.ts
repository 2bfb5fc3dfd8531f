export type { ActivityStore } from "./activity-store.js";
export type { DeadLetter, EventBus, EventHandler, Subscription } from "./event-bus.js";
export type { FollowResult, GraphStore, UserPageRange } from "./graph-store.js";
export type { HomeContext, HomeContextPage, HomeContextStore } from "./home-context-store.js";
export type { NotificationStore } from "./notification-store.js";
export type { HydratedPost, IdRange, LikeRecord, PostStore } from "./post-store.js";
export type { TimelineSlice, TimelineStore, TimelineStoreCapabilities } from "./timeline-store.js";
export type { UserRecord, UserStore } from "./user-store.js";
