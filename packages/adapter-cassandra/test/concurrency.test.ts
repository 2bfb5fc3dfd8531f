/** Concurrent writers on one key: the lightweight transactions and the max-registers keep every store exact or safe. */
import type { PostRecord } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { CassandraNotificationStore, CassandraPostStore, CassandraTimelineStore } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("concurrency");
const POST_TABLES = ["posts", "posts_by_author", "author_buckets", "post_counts", "reposts", "likes", "like_counts"];

function post(id: string, authorId: string): PostRecord {
  return { id, authorId, text: `post ${id}`, createdAt: 1_700_000_000_000, mentions: [], media: [], deleted: false };
}

describe("concurrent writers", () => {
  it("keeps one live repost per author and original when eight are inserted at once", async () => {
    await ks.truncate(...POST_TABLES);
    const store = new CassandraPostStore({ client: ks.client, keyspace: ks.keyspace });
    await store.insert(post("1000", "1"));
    const attempts = Array.from({ length: 8 }, (_, i) => ({
      ...post(String(2000 + i), "2"),
      text: "",
      repostOf: { postId: "1000", authorId: "1" },
    }));
    const results = await Promise.all(attempts.map((r) => store.insert(r)));
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([created[0]!.id]));
    expect(await store.findReposts("1000", ["2"])).toEqual([created[0]!.id]);
    expect(await store.countByAuthor("2")).toBe(1);
  });

  it("keeps counters exact under concurrent likes, unlikes and deletes", async () => {
    await ks.truncate(...POST_TABLES);
    const store = new CassandraPostStore({ client: ks.client, keyspace: ks.keyspace });
    await store.insert(post("1000", "1"));
    const likers = Array.from({ length: 40 }, (_, i) => String(i + 10));
    await Promise.all(likers.map((u, i) => store.like({ userId: u, postId: "1000", id: String(5000 + i), at: i })));
    await Promise.all([...likers.slice(0, 15), ...likers.slice(0, 15)].map((u) => store.unlike(u, "1000")));
    expect((await store.hydrate(["1000"])).get("1000")?.post.likeCount).toBe(25);
    const mine = Array.from({ length: 20 }, (_, i) => post(String(3000 + i), "5"));
    await Promise.all(mine.map((p) => store.insert(p)));
    await Promise.all([...mine.slice(0, 8), ...mine.slice(0, 8)].map((p) => store.delete(p.id)));
    expect(await store.countByAuthor("5")).toBe(12);
    expect(await store.byAuthor("5", { limit: 100 })).toEqual(
      mine
        .slice(8)
        .map((p) => p.id)
        .reverse(),
    );
  });

  it("keeps one notification per key and the largest id under concurrent upserts", async () => {
    await ks.truncate("notifications", "notification_keys", "notification_read_marks");
    const store = new CassandraNotificationStore({ client: ks.client, keyspace: ks.keyspace });
    const ids = Array.from({ length: 12 }, (_, i) => String(100 + i));
    await Promise.all(
      ids.map((id) => store.upsert({ id, recipientId: "1", type: "like", actorId: "2", postId: "7", at: 1, key: "k" })),
    );
    expect((await store.list("1", { limit: 50 })).map((n) => n.id)).toEqual(["111"]);
    await Promise.all(ids.map((id) => store.markRead("1", id)));
    expect(await store.readMark("1")).toBe("111");
  });

  it("never loses an entry above the floor when many pushes race into one full timeline", async () => {
    await ks.truncate("timelines");
    const cap = 20;
    const store = new CassandraTimelineStore({ client: ks.client, keyspace: ks.keyspace, cap, purgeAfter: 5 });
    await store.fill("1", [], "0");
    const pushed = Array.from({ length: 120 }, (_, i) => String(1000 + i));
    // Six writers at a time, in an interleaved order, so trims race each other.
    for (let i = 0; i < pushed.length; i += 6) {
      await Promise.all(pushed.slice(i, i + 6).map((id) => store.push(["1"], id)));
    }
    const slice = (await store.read("1", { limit: 1000 }))!;
    const above = pushed.filter((id) => BigInt(id) > BigInt(slice.floor)).reverse();
    expect(slice.ids).toEqual(above);
    // Racing pushes lose size-hint updates; the sampled recounts bound how far the timeline outgrows the cap.
    expect(slice.ids.length).toBeGreaterThan(cap / 2);
    expect(slice.ids.length).toBeLessThanOrEqual(cap + 2 * 5 + 6);
  });
});
