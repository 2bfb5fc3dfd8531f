import { MemoryEventBus } from "../bus/memory-event-bus.js";
import { type Clock, systemClock } from "../clock/clock.js";
import type { FeedEvent } from "../domain/events.js";
import type {
  NotificationPage,
  PageOptions,
  Post,
  PostRecord,
  TimelinePage,
  User,
  UserIdPage,
} from "../domain/types.js";
import {
  extractMentionHandles,
  validateDisplayName,
  validateHandle,
  validateLimit,
  validateMedia,
  validateText,
} from "../domain/validation.js";
import { FeedError } from "../errors/feed-error.js";
import { type FanoutPolicy, hybrid } from "../fanout/fanout-policy.js";
import { timelineFanout } from "../fanout/timeline-fanout.js";
import { assertId, type PostId, type UserId } from "../ids/id.js";
import { Snowflake } from "../ids/snowflake.js";
import { MemoryActivityStore } from "../memory/memory-activity-store.js";
import { MemoryGraphStore } from "../memory/memory-graph-store.js";
import { MemoryNotificationStore } from "../memory/memory-notification-store.js";
import { MemoryPostStore } from "../memory/memory-post-store.js";
import { MemoryTimelineStore } from "../memory/memory-timeline-store.js";
import { MemoryUserStore } from "../memory/memory-user-store.js";
import { readNotifications } from "../notifications/notification-reader.js";
import { notificationWriter } from "../notifications/notification-writer.js";
import type { EventBus, Subscription } from "../ports/event-bus.js";
import type { UserRecord } from "../ports/user-store.js";
import { type CursorKind, decodeCursor, encodeCursor } from "../timeline/cursor.js";
import { HomeTimeline } from "../timeline/home-timeline.js";
import { readUserTimeline } from "../timeline/user-timeline.js";
import type { FeedEngine, ImportResult, ImportUser, PostInput, RegisterInput } from "./feed-engine.js";
import { importFollows, importUsers } from "./import.js";
import type { FeedEngineOptions, FeedStores } from "./options.js";

/** Consumer group of the timeline fan-out worker. */
export const FANOUT_GROUP = "feed-engine.fanout";
/** Consumer group of the notification worker. */
export const NOTIFICATIONS_GROUP = "feed-engine.notifications";

const HOUR_MS = 3_600_000;

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1 (got ${String(value)})`);
  return v;
}

/**
 * Creates a feed engine. With no options it runs entirely in memory, handling fan-out and notifications in-process
 * right after each call returns — the embedded default.
 *
 * ```ts
 * const feed = createFeedEngine();
 * const alice = await feed.registerUser({ handle: "alice" });
 * ```
 */
export function createFeedEngine(options: FeedEngineOptions = {}): FeedEngine {
  return new Engine(options);
}

class Engine implements FeedEngine {
  readonly clock: Clock;
  readonly policy: FanoutPolicy;
  readonly stores: FeedStores;
  readonly bus: EventBus;
  readonly #ownsBus: boolean;
  readonly #ids: Snowflake;
  readonly #home: HomeTimeline;
  readonly #windowMs: number;
  readonly #ready: Promise<Subscription[]>;
  #closed = false;

  constructor(o: FeedEngineOptions) {
    this.clock = o.clock ?? systemClock;
    this.policy = o.policy ?? hybrid();
    const s = o.stores ?? {};
    this.stores = {
      users: s.users ?? new MemoryUserStore(),
      posts: s.posts ?? new MemoryPostStore(),
      graph: s.graph ?? new MemoryGraphStore(),
      timelines: s.timelines ?? new MemoryTimelineStore({ cap: positiveInt(o.timelineCap, 800, "timelineCap") }),
      notifications: s.notifications ?? new MemoryNotificationStore(),
      activity: s.activity ?? new MemoryActivityStore(),
      ...(s.homeContext === undefined ? {} : { homeContext: s.homeContext }),
    };
    this.#ownsBus = o.bus === undefined;
    this.bus = o.bus ?? new MemoryEventBus();
    this.#ids = new Snowflake({ workerId: o.workerId ?? 0, clock: this.clock });
    this.#windowMs = positiveInt(o.notificationWindowMs, 12 * HOUR_MS, "notificationWindowMs");
    const { users, posts, graph, timelines, activity, notifications } = this.stores;
    const lastSeenResolutionMs = o.lastSeenResolutionMs ?? 60_000;
    if (!Number.isInteger(lastSeenResolutionMs) || lastSeenResolutionMs < 0) {
      throw new RangeError(`lastSeenResolutionMs must be an integer >= 0 (got ${String(o.lastSeenResolutionMs)})`);
    }
    // What a read decides with is what fan-out decides with: the same stores, policy and clock.
    const shared = { users, posts, graph, timelines, activity, policy: this.policy, clock: this.clock };
    const homeContext = this.stores.homeContext;
    this.#home = new HomeTimeline({
      ...shared,
      lastSeenResolutionMs,
      ...(homeContext === undefined ? {} : { homeContext }),
    });
    const subscriptions: Promise<Subscription>[] = [];
    if (o.runWorkers ?? true) {
      const fanout = timelineFanout({
        ...shared,
        batchSize: positiveInt(o.fanoutBatchSize, 1000, "fanoutBatchSize"),
        backfillLimit: positiveInt(o.backfillLimit, 100, "backfillLimit"),
        onFanout: o.onFanout,
      });
      subscriptions.push(this.bus.subscribe(FANOUT_GROUP, fanout));
      subscriptions.push(this.bus.subscribe(NOTIFICATIONS_GROUP, notificationWriter({ posts, graph, notifications })));
    }
    this.#ready = Promise.all(subscriptions);
  }

  // ---- users ----

  async registerUser(input: RegisterInput): Promise<User> {
    if (typeof input !== "object" || input === null)
      throw new FeedError("VALIDATION", "register input must be an object");
    const handle = validateHandle(input.handle);
    const displayName = validateDisplayName(input.displayName, handle);
    const now = this.clock.now();
    const record: UserRecord = { id: this.#ids.next(), handle, displayName, createdAt: now };
    if (!(await this.stores.users.create(record))) {
      throw new FeedError("CONFLICT", `handle "${handle}" is taken (handles are compared without regard to case)`, {
        field: "handle",
      });
    }
    await this.stores.activity.touch(record.id, now);
    // An empty, complete timeline: pushes land from the first follow on, with no rebuild on first read.
    await this.stores.timelines.fill(record.id, [], "0");
    return { ...record, followers: 0, following: 0, posts: 0 };
  }

  async getUser(id: UserId): Promise<User> {
    return this.#withCounts(await this.#user(id, "userId"));
  }

  async getUserByHandle(handle: string): Promise<User> {
    validateHandle(handle);
    const user = await this.stores.users.getByHandle(handle);
    if (!user) throw new FeedError("NOT_FOUND", `no user has the handle "${handle}"`, { field: "handle" });
    return this.#withCounts(user);
  }

  // ---- posts ----

  async post(authorId: UserId, input: PostInput): Promise<Post> {
    assertId(authorId, "authorId");
    if (typeof input !== "object" || input === null) throw new FeedError("VALIDATION", "post input must be an object");
    const text = validateText(input.text);
    const media = validateMedia(input.media);
    if (input.replyTo !== undefined) assertId(input.replyTo, "replyTo");
    await this.#user(authorId, "authorId");
    let replyTo: PostRecord["replyTo"];
    if (input.replyTo !== undefined) {
      const parent = await this.#original(await this.#livePost(input.replyTo, "replyTo"));
      await this.#assertNotBlocked(authorId, parent.authorId, "reply to");
      replyTo = { postId: parent.id, authorId: parent.authorId };
    }
    const mentions = await this.#resolveMentions(authorId, text);
    const id = this.#ids.next();
    const record: PostRecord = {
      id,
      authorId,
      text,
      createdAt: this.clock.now(),
      ...(replyTo ? { replyTo } : {}),
      mentions,
      media,
      deleted: false,
    };
    await this.stores.posts.insert(record);
    await this.#publish({ type: "post.created", ...this.#stamp(), postId: id, authorId });
    const { deleted: _, ...post } = record;
    return { ...post, likeCount: 0 };
  }

  async repost(userId: UserId, postId: PostId): Promise<Post> {
    assertId(userId, "userId");
    assertId(postId, "postId");
    await this.#user(userId, "userId");
    const original = await this.#original(await this.#livePost(postId, "postId"));
    await this.#assertNotBlocked(userId, original.authorId, "repost");
    const record: PostRecord = {
      id: this.#ids.next(),
      authorId: userId,
      text: "",
      createdAt: this.clock.now(),
      repostOf: { postId: original.id, authorId: original.authorId },
      mentions: [],
      media: [],
      deleted: false,
    };
    const { created, id } = await this.stores.posts.insert(record);
    if (created) await this.#publish({ type: "post.created", ...this.#stamp(), postId: id, authorId: userId });
    return this.#hydrateOne(id);
  }

  async deletePost(userId: UserId, postId: PostId): Promise<void> {
    assertId(userId, "userId");
    assertId(postId, "postId");
    await this.#user(userId, "userId");
    const post = await this.#livePost(postId, "postId");
    if (post.authorId !== userId) {
      throw new FeedError("FORBIDDEN", `post ${postId} belongs to another user; only its author may delete it`);
    }
    if (!(await this.stores.posts.delete(postId))) throw new FeedError("NOT_FOUND", `post ${postId} does not exist`);
    await this.#publish({ type: "post.deleted", ...this.#stamp(), postId, authorId: userId });
  }

  async getPost(postId: PostId, viewerId?: UserId): Promise<Post> {
    assertId(postId, "postId");
    if (viewerId !== undefined) {
      assertId(viewerId, "viewerId");
      await this.#user(viewerId, "viewerId");
    }
    const post = await this.#hydrateOne(postId);
    if (viewerId !== undefined) await this.#assertNotBlocked(viewerId, post.authorId, "see");
    return post;
  }

  async like(userId: UserId, postId: PostId): Promise<boolean> {
    const target = await this.#engagementTarget(userId, postId);
    await this.#assertNotBlocked(userId, target.authorId, "like");
    const stamp = this.#stamp();
    const created = await this.stores.posts.like({ userId, postId: target.id, ...stamp });
    if (created) {
      await this.#publish({ type: "engagement.liked", ...stamp, userId, postId: target.id, authorId: target.authorId });
    }
    return created;
  }

  async unlike(userId: UserId, postId: PostId): Promise<boolean> {
    const target = await this.#engagementTarget(userId, postId);
    const removed = await this.stores.posts.unlike(userId, target.id);
    if (removed) {
      await this.#publish({
        type: "engagement.unliked",
        ...this.#stamp(),
        userId,
        postId: target.id,
        authorId: target.authorId,
      });
    }
    return removed;
  }

  // ---- graph ----

  async follow(followerId: UserId, followeeId: UserId): Promise<boolean> {
    await this.#pair(followerId, followeeId, "follow");
    const stamp = this.#stamp();
    const result = await this.stores.graph.follow(followerId, followeeId, stamp.at);
    if (result === "blocked") {
      throw new FeedError("FORBIDDEN", `cannot follow ${followeeId}: a block stands between the two users`);
    }
    if (result === "exists") return false;
    await this.#publish({ type: "graph.followed", ...stamp, followerId, followeeId });
    return true;
  }

  async unfollow(followerId: UserId, followeeId: UserId): Promise<boolean> {
    await this.#pair(followerId, followeeId, "unfollow");
    if (!(await this.stores.graph.unfollow(followerId, followeeId))) return false;
    await this.#publish({ type: "graph.unfollowed", ...this.#stamp(), followerId, followeeId });
    return true;
  }

  async block(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    await this.#pair(blockerId, blockedId, "block");
    if (!(await this.stores.graph.block(blockerId, blockedId))) return false;
    await this.#publish({ type: "graph.blocked", ...this.#stamp(), blockerId, blockedId });
    return true;
  }

  async unblock(blockerId: UserId, blockedId: UserId): Promise<boolean> {
    await this.#pair(blockerId, blockedId, "unblock");
    if (!(await this.stores.graph.unblock(blockerId, blockedId))) return false;
    await this.#publish({ type: "graph.unblocked", ...this.#stamp(), blockerId, blockedId });
    return true;
  }

  followers(userId: UserId, options: PageOptions = {}): Promise<UserIdPage> {
    return this.#userPage("followers", userId, options);
  }

  following(userId: UserId, options: PageOptions = {}): Promise<UserIdPage> {
    return this.#userPage("following", userId, options);
  }

  // ---- timelines ----

  async homeTimeline(userId: UserId, options: PageOptions = {}): Promise<TimelinePage> {
    const { before, limit } = this.#page("home", options, 100);
    assertId(userId, "userId");
    return this.#home.read(userId, before, limit, () => this.#user(userId, "userId"));
  }

  async userTimeline(authorId: UserId, options: PageOptions & { viewerId?: UserId } = {}): Promise<TimelinePage> {
    const { before, limit } = this.#page("user", options, 100);
    const viewerId = options.viewerId;
    await this.#user(authorId, "authorId");
    if (viewerId !== undefined) {
      await this.#user(viewerId, "viewerId");
      await this.#assertNotBlocked(viewerId, authorId, "see the posts of");
    }
    return readUserTimeline(this.stores, authorId, viewerId, before, limit);
  }

  async rebuildTimeline(userId: UserId): Promise<void> {
    await this.#user(userId, "userId");
    await this.#home.rebuild(userId);
  }

  // ---- notifications ----

  async notifications(userId: UserId, options: PageOptions = {}): Promise<NotificationPage> {
    const { before, limit } = this.#page("notifications", options, 100);
    await this.#user(userId, "userId");
    const { posts, graph, notifications } = this.stores;
    return readNotifications({ posts, graph, notifications, windowMs: this.#windowMs }, userId, before, limit);
  }

  async markNotificationsRead(userId: UserId, options: { upTo?: string } = {}): Promise<void> {
    if (options.upTo !== undefined) assertId(options.upTo, "upTo");
    await this.#user(userId, "userId");
    const upTo = options.upTo ?? (await this.stores.notifications.list(userId, { limit: 1 }))[0]?.id;
    if (upTo !== undefined) await this.stores.notifications.markRead(userId, upTo);
  }

  // ---- bulk ----

  importUsers(users: Iterable<ImportUser>): Promise<ImportResult> {
    return importUsers(this.stores, users, this.clock.now());
  }

  importFollows(edges: Iterable<readonly [UserId, UserId]>): Promise<ImportResult> {
    return importFollows(this.stores, edges, this.clock.now());
  }

  // ---- lifecycle ----

  async ready(): Promise<void> {
    await this.#ready;
  }

  async drain(): Promise<void> {
    if (!this.bus.drain) {
      throw new FeedError("UNAVAILABLE", "this event bus runs its handlers elsewhere and cannot be drained in-process");
    }
    await this.#ready;
    await this.bus.drain();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const errors: unknown[] = [];
    for (const sub of await this.#ready.catch(() => [])) await sub.close().catch((e) => errors.push(e));
    if (this.#ownsBus) await this.bus.close().catch((e) => errors.push(e));
    if (errors.length > 0) throw new AggregateError(errors, "feed-engine: errors while closing");
  }

  // ---- helpers ----

  #stamp(): { id: string; at: number } {
    return { id: this.#ids.next(), at: this.clock.now() };
  }

  async #publish(event: FeedEvent): Promise<void> {
    await this.#ready;
    await this.bus.publish([event]);
  }

  async #user(id: UserId, field: string): Promise<UserRecord> {
    assertId(id, field);
    const [user] = await this.stores.users.getMany([id]);
    if (!user) throw new FeedError("NOT_FOUND", `${field}: user ${id} does not exist`, { field });
    return user;
  }

  async #withCounts(user: UserRecord): Promise<User> {
    const [counts, posts] = await Promise.all([
      this.stores.graph.counts(user.id),
      this.stores.posts.countByAuthor(user.id),
    ]);
    return { ...user, ...counts, posts };
  }

  async #livePost(id: PostId, field: string): Promise<PostRecord> {
    const post = await this.stores.posts.get(id);
    if (!post || post.deleted) throw new FeedError("NOT_FOUND", `${field}: post ${id} does not exist`, { field });
    return post;
  }

  /** The original of a repost (which must be live), or the post itself. */
  async #original(post: PostRecord): Promise<PostRecord> {
    return post.repostOf ? this.#livePost(post.repostOf.postId, "postId") : post;
  }

  async #hydrateOne(id: PostId): Promise<Post> {
    const h = (await this.stores.posts.hydrate([id])).get(id);
    if (!h) throw new FeedError("NOT_FOUND", `post ${id} does not exist`, { field: "postId" });
    return h.post;
  }

  async #engagementTarget(userId: UserId, postId: PostId): Promise<PostRecord> {
    assertId(userId, "userId");
    assertId(postId, "postId");
    await this.#user(userId, "userId");
    return this.#original(await this.#livePost(postId, "postId"));
  }

  async #assertNotBlocked(userId: UserId, otherId: UserId, action: string): Promise<void> {
    if (userId === otherId) return;
    const [blocked] = await this.stores.graph.blockedEither(userId, [otherId]);
    if (blocked)
      throw new FeedError("FORBIDDEN", `cannot ${action} user ${otherId}: a block stands between the two users`);
  }

  async #pair(a: UserId, b: UserId, action: string): Promise<void> {
    assertId(a, "userId");
    assertId(b, "targetId");
    if (a === b) throw new FeedError("VALIDATION", `a user cannot ${action} themselves`, { field: "targetId" });
    await this.#user(a, "userId");
    await this.#user(b, "targetId");
  }

  async #resolveMentions(authorId: UserId, text: string): Promise<UserId[]> {
    const handles = extractMentionHandles(text);
    if (handles.length === 0) return [];
    const found = await this.stores.users.getManyByHandle(handles);
    const ids = [...new Set(found.flatMap((u) => (u && u.id !== authorId ? [u.id] : [])))];
    const blocked = await this.stores.graph.blockedEither(authorId, ids);
    return ids.filter((_, i) => !blocked[i]);
  }

  #page(kind: CursorKind, options: PageOptions, max: number): { before: string | undefined; limit: number } {
    const limit = validateLimit(options?.limit, 20, max);
    return { before: decodeCursor(kind, options.cursor), limit };
  }

  async #userPage(kind: "followers" | "following", userId: UserId, options: PageOptions): Promise<UserIdPage> {
    const limit = validateLimit(options?.limit, 100, 1000);
    const after = decodeCursor(kind, options.cursor);
    await this.#user(userId, "userId");
    const range = after === undefined ? { limit: limit + 1 } : { after, limit: limit + 1 };
    const ids =
      kind === "followers"
        ? await this.stores.graph.followers(userId, range)
        : await this.stores.graph.followees(userId, range);
    const page = ids.slice(0, limit);
    const last = page[page.length - 1];
    return { ids: page, nextCursor: ids.length > limit && last ? encodeCursor(kind, last) : null };
  }
}
