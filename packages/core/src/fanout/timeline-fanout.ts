import type { FeedEvent, PostCreated } from "../domain/events.js";
import type { UserId } from "../ids/id.js";
import type { EventHandler } from "../ports/event-bus.js";
import type { HomeTimelineDeps } from "../timeline/home-timeline.js";
import type { FanoutReport } from "./fanout-report.js";

/** What the timeline fan-out worker writes to and decides with: what a read uses, plus batch sizes and a hook. */
export interface TimelineFanoutDeps extends HomeTimelineDeps {
  batchSize: number;
  backfillLimit: number;
  onFanout?: ((report: FanoutReport) => void) | undefined;
}

/**
 * The timeline side of the write path, run off the event bus: pushes new posts to followers' timelines (or marks the
 * author pulled), removes deleted posts, backfills follows and cleans up after unfollows and blocks.
 *
 * Every step first checks the source of truth, so a redelivered or late event changes nothing: reads filter every
 * entry anyway, and these writes only keep the materialized timelines complete and lean.
 */
export function timelineFanout(d: TimelineFanoutDeps): EventHandler {
  /** Calls `fn` with each page of the author's followers. */
  async function eachFollowerPage(authorId: UserId, fn: (ids: UserId[]) => Promise<void>): Promise<void> {
    let after: UserId | undefined;
    for (;;) {
      const page = await d.graph.followers(
        authorId,
        after === undefined ? { limit: d.batchSize } : { after, limit: d.batchSize },
      );
      if (page.length > 0) await fn(page);
      if (page.length < d.batchSize) return;
      after = page[page.length - 1];
    }
  }

  async function postCreated(event: PostCreated): Promise<void> {
    const post = await d.posts.get(event.postId);
    const report: FanoutReport = {
      postId: event.postId,
      authorId: event.authorId,
      mode: "skipped",
      followers: 0,
      deliveries: 0,
      skippedInactive: 0,
      eventAt: event.at,
      finishedAt: 0,
    };
    if (post && !post.deleted) {
      report.followers = (await d.graph.counts(event.authorId)).followers;
      report.mode = d.policy.modeFor({ followers: report.followers });
      if (report.mode === "pull") {
        await d.users.markPulled(event.authorId);
      } else {
        // Inactivity is judged at the post's time, not the worker's: a worker in another process, with another
        // clock or behind on its backlog, then makes the same choice a read will check against (see HomeTimeline).
        const now = event.at;
        await eachFollowerPage(event.authorId, async (page) => {
          let targets = page;
          if (d.policy.skipsInactive) {
            const seen = await d.activity.lastSeen(page);
            targets = page.filter((_, i) => !d.policy.isInactive(seen[i], now));
            report.skippedInactive += page.length - targets.length;
          }
          if (targets.length > 0) report.deliveries += await d.timelines.push(targets, event.postId);
        });
      }
    }
    report.finishedAt = d.clock.now();
    d.onFanout?.(report);
  }

  /** Removes from `userId`'s timeline every entry by `authorId` (posts, replies and reposts). */
  async function removeAuthor(userId: UserId, authorId: UserId): Promise<void> {
    const slice = await d.timelines.read(userId, { limit: d.timelines.cap });
    if (slice === null || slice.ids.length === 0) return;
    const hydrated = await d.posts.hydrate(slice.ids);
    const gone = slice.ids.filter((id) => {
      const h = hydrated.get(id);
      if (!h) return true;
      return h.post.authorId === authorId;
    });
    if (gone.length > 0) await d.timelines.remove(userId, gone);
  }

  return async (event: FeedEvent) => {
    switch (event.type) {
      case "post.created":
        return postCreated(event);
      case "post.deleted": {
        const post = await d.posts.get(event.postId);
        if (post && !post.deleted) return;
        await d.timelines.removeFromMany([event.authorId], event.postId);
        return eachFollowerPage(event.authorId, (page) => d.timelines.removeFromMany(page, event.postId));
      }
      case "graph.followed": {
        const [following] = await d.graph.isFollowing(event.followerId, [event.followeeId]);
        if (!following) return;
        const ids = await d.posts.byAuthor(event.followeeId, { limit: d.backfillLimit + 1 });
        const minFloor = ids.length > d.backfillLimit ? ids[d.backfillLimit]! : "0";
        return d.timelines.merge(event.followerId, ids.slice(0, d.backfillLimit), minFloor);
      }
      case "graph.unfollowed": {
        const [following] = await d.graph.isFollowing(event.followerId, [event.followeeId]);
        if (following) return;
        return removeAuthor(event.followerId, event.followeeId);
      }
      case "graph.blocked": {
        const [blocked] = await d.graph.blockedEither(event.blockerId, [event.blockedId]);
        if (!blocked) return;
        // Only each side's own posts and reposts go: reposts of the other's posts by people still followed come back
        // on unblock, so they stay in the timeline and reads hide them while the block stands.
        await removeAuthor(event.blockerId, event.blockedId);
        return removeAuthor(event.blockedId, event.blockerId);
      }
      default:
        return;
    }
  };
}
