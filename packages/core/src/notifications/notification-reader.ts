import type { NotificationGroup, NotificationPage, NotificationRecord } from "../domain/types.js";
import { compareIds, type Id, type UserId } from "../ids/id.js";
import type { GraphStore } from "../ports/graph-store.js";
import type { NotificationStore } from "../ports/notification-store.js";
import type { PostStore } from "../ports/post-store.js";
import { encodeCursor } from "../timeline/cursor.js";
import { groupKey } from "./group-key.js";

/** What reading notifications needs. */
export interface NotificationReaderDeps {
  posts: PostStore;
  graph: GraphStore;
  notifications: NotificationStore;
  windowMs: number;
}

interface Building {
  group: NotificationGroup;
  actorSet: Set<UserId>;
}

const CHUNK = 200;

/**
 * Reads grouped notifications newest first. Raw notifications are scanned from the newest, hidden when their actor is
 * blocked either way or their post is gone, and folded into groups; a group is ordered by its newest notification.
 * The scan goes on until the page's groups are complete (past the start of the last one's window) and every unread
 * notification was counted.
 */
export async function readNotifications(
  d: NotificationReaderDeps,
  recipientId: UserId,
  before: Id | undefined,
  limit: number,
): Promise<NotificationPage> {
  const readMark = await d.notifications.readMark(recipientId);
  const groups = new Map<string, Building>();
  const order: Building[] = [];
  let unreadCount = 0;
  let scanBefore: Id | undefined;
  for (;;) {
    const raw = await d.notifications.list(
      recipientId,
      scanBefore === undefined ? { limit: CHUNK } : { before: scanBefore, limit: CHUNK },
    );
    if (raw.length === 0) break;
    for (const n of await visible(d, recipientId, raw)) {
      const key = groupKey(n, d.windowMs);
      let b = groups.get(key);
      if (!b) {
        const read = readMark !== undefined && compareIds(n.id, readMark) <= 0;
        if (!read) unreadCount++;
        b = {
          group: {
            id: key,
            type: n.type,
            ...(n.postId === undefined ? {} : { postId: n.postId }),
            actors: [],
            actorCount: 0,
            latestAt: n.at,
            latestId: n.id,
            read,
          },
          actorSet: new Set(),
        };
        groups.set(key, b);
        order.push(b);
      }
      if (!b.actorSet.has(n.actorId)) {
        b.actorSet.add(n.actorId);
        b.group.actorCount++;
        if (b.group.actors.length < 3) b.group.actors.push(n.actorId);
      }
    }
    const last = raw[raw.length - 1]!;
    scanBefore = last.id;
    if (raw.length < CHUNK) break;
    if (
      pageComplete(order, before, limit, last, d.windowMs) &&
      readMark !== undefined &&
      compareIds(last.id, readMark) <= 0
    ) {
      break;
    }
  }
  const below = order.filter((b) => before === undefined || compareIds(b.group.latestId, before) < 0);
  const items = below.slice(0, limit).map((b) => b.group);
  const lastItem = items[items.length - 1];
  return {
    items,
    unreadCount,
    nextCursor: below.length > limit && lastItem ? encodeCursor("notifications", lastItem.latestId) : null,
  };
}

/** True once the first `limit + 1` groups below `before` are known and the first `limit` have all their members. */
function pageComplete(
  order: readonly Building[],
  before: Id | undefined,
  limit: number,
  lastScanned: NotificationRecord,
  windowMs: number,
): boolean {
  let seen = 0;
  let oldestWindowStart = Number.POSITIVE_INFINITY;
  for (const b of order) {
    if (before !== undefined && compareIds(b.group.latestId, before) >= 0) continue;
    seen++;
    if (seen <= limit)
      oldestWindowStart = Math.min(oldestWindowStart, Math.floor(b.group.latestAt / windowMs) * windowMs);
    if (seen > limit) break;
  }
  return seen > limit && lastScanned.at < oldestWindowStart;
}

/** Drops notifications whose actor is blocked either way or whose post is no longer live. */
async function visible(d: NotificationReaderDeps, recipientId: UserId, raw: readonly NotificationRecord[]) {
  const actors = [...new Set(raw.map((n) => n.actorId))];
  const postIds = [...new Set(raw.flatMap((n) => (n.postId === undefined ? [] : [n.postId])))];
  const [blocked, live] = await Promise.all([d.graph.blockedEither(recipientId, actors), d.posts.hydrate(postIds)]);
  const blockedSet = new Set(actors.filter((_, i) => blocked[i]));
  return raw.filter((n) => !blockedSet.has(n.actorId) && (n.postId === undefined || live.has(n.postId)));
}
