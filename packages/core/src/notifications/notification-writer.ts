import type { FeedEvent, PostCreated } from "../domain/events.js";
import type { NotificationRecord } from "../domain/types.js";
import type { UserId } from "../ids/id.js";
import type { EventHandler } from "../ports/event-bus.js";
import type { GraphStore } from "../ports/graph-store.js";
import type { NotificationStore } from "../ports/notification-store.js";
import type { PostStore } from "../ports/post-store.js";

/** What the notification worker reads and writes. */
export interface NotificationWriterDeps {
  posts: PostStore;
  graph: GraphStore;
  notifications: NotificationStore;
}

/**
 * Turns events into raw notifications (likes, reposts, replies, mentions, follows) and takes them back when their
 * cause goes (unlike, unfollow, block, delete). Keys make writes idempotent, and each step checks the source of truth,
 * so a redelivered or stale event changes nothing.
 */
export function notificationWriter(d: NotificationWriterDeps): EventHandler {
  const put = (r: NotificationRecord) => d.notifications.upsert(r);

  async function postCreated(event: PostCreated): Promise<void> {
    const post = await d.posts.get(event.postId);
    if (!post || post.deleted) return;
    const base = { id: event.id, actorId: post.authorId, at: event.at };
    const actor = post.authorId;
    if (post.repostOf) {
      const to = post.repostOf.authorId;
      if (to !== actor)
        await put({ ...base, recipientId: to, type: "repost", postId: post.repostOf.postId, key: `repost:${post.id}` });
      return;
    }
    const replyTo = post.replyTo?.authorId;
    if (replyTo !== undefined && replyTo !== actor) {
      await put({ ...base, recipientId: replyTo, type: "reply", postId: post.id, key: `reply:${post.id}` });
    }
    for (const to of post.mentions) {
      if (to === actor || to === replyTo) continue;
      await put({ ...base, recipientId: to, type: "mention", postId: post.id, key: `mention:${post.id}` });
    }
  }

  async function postDeleted(postId: string): Promise<void> {
    const post = await d.posts.get(postId);
    if (!post?.deleted) return;
    if (post.repostOf) await d.notifications.remove(post.repostOf.authorId, `repost:${post.id}`);
    if (post.replyTo) await d.notifications.remove(post.replyTo.authorId, `reply:${post.id}`);
    for (const to of post.mentions) await d.notifications.remove(to, `mention:${post.id}`);
  }

  async function dropFollow(followerId: UserId, followeeId: UserId): Promise<void> {
    const [following] = await d.graph.isFollowing(followerId, [followeeId]);
    if (!following) await d.notifications.remove(followeeId, `follow:${followerId}`);
  }

  return async (event: FeedEvent) => {
    switch (event.type) {
      case "post.created":
        return postCreated(event);
      case "post.deleted":
        return postDeleted(event.postId);
      case "engagement.liked": {
        const like = await d.posts.getLike(event.userId, event.postId);
        // A like taken back, or replaced by a newer one, is handled by the later event.
        if (!like || like.id !== event.id || event.authorId === event.userId) return;
        await put({
          id: event.id,
          recipientId: event.authorId,
          type: "like",
          actorId: event.userId,
          postId: event.postId,
          at: event.at,
          key: `like:${event.postId}:${event.userId}`,
        });
        return;
      }
      case "engagement.unliked": {
        if (await d.posts.getLike(event.userId, event.postId)) return;
        await d.notifications.remove(event.authorId, `like:${event.postId}:${event.userId}`);
        return;
      }
      case "graph.followed": {
        const at = await d.graph.followedAt(event.followerId, event.followeeId);
        if (at !== event.at) return;
        await put({
          id: event.id,
          recipientId: event.followeeId,
          type: "follow",
          actorId: event.followerId,
          at: event.at,
          key: `follow:${event.followerId}`,
        });
        return;
      }
      case "graph.unfollowed":
        return dropFollow(event.followerId, event.followeeId);
      case "graph.blocked":
        await dropFollow(event.blockerId, event.blockedId);
        return dropFollow(event.blockedId, event.blockerId);
      default:
        return;
    }
  };
}
