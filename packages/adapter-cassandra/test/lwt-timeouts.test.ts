/**
 * A lightweight transaction whose answer is lost to a server timeout may have been applied. These tests run every
 * statement on the real server and, for the first transaction of a call, replace the server's answer with the write
 * timeout the server sends under load (code 0x1100, write type CAS): the stores must resend it and work out that the
 * change was their own, so results and counters stay exact.
 */
import type { PostRecord } from "@feed-engine/core";
import cassandra from "cassandra-driver";
import { describe, expect, it } from "vitest";
import {
  type CassandraClient,
  CassandraGraphStore,
  CassandraNotificationStore,
  CassandraPostStore,
  CassandraUserStore,
} from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("lwt");

/** A client that applies the next `IF` statement on the server, then answers with a write timeout instead. */
function timingOutClient(): { client: CassandraClient; arm(): void; fired(): number } {
  let armed = false;
  let fired = 0;
  return {
    arm: () => {
      armed = true;
    },
    fired: () => fired,
    client: {
      execute: async (query, params, options) => {
        const result = await ks.client.execute(query, params, options);
        if (armed && / IF /.test(query)) {
          armed = false;
          fired++;
          const timeout = new cassandra.errors.ResponseError(
            0x1100,
            "Operation timed out - received only 0 responses.",
          );
          Object.assign(timeout, { writeType: "CAS" });
          throw timeout;
        }
        return result;
      },
      batch: (queries, options) => ks.client.batch(queries, options),
    },
  };
}

function post(id: string, authorId: string): PostRecord {
  return { id, authorId, text: `post ${id}`, createdAt: 1_700_000_000_000, mentions: [], media: [], deleted: false };
}

describe("lightweight transactions whose answer timed out", () => {
  it("posts, likes and deletes count once", async () => {
    await ks.truncate("posts", "posts_by_author", "author_buckets", "post_counts", "reposts", "likes", "like_counts");
    const faulty = timingOutClient();
    const store = new CassandraPostStore({ client: faulty.client, keyspace: ks.keyspace });
    faulty.arm();
    expect(await store.insert(post("100", "1"))).toEqual({ created: true, id: "100" });
    faulty.arm();
    expect(await store.insert({ ...post("101", "2"), text: "", repostOf: { postId: "100", authorId: "1" } })).toEqual({
      created: true,
      id: "101",
    });
    expect(await store.insert(post("101", "2"))).toEqual({ created: false, id: "101" });
    faulty.arm();
    expect(await store.like({ userId: "7", postId: "100", id: "500", at: 1 })).toBe(true);
    expect(await store.like({ userId: "7", postId: "100", id: "501", at: 2 })).toBe(false);
    expect((await store.hydrate(["100"])).get("100")?.post.likeCount).toBe(1);
    faulty.arm();
    expect(await store.unlike("7", "100")).toBe(true);
    expect((await store.hydrate(["100"])).get("100")?.post.likeCount).toBe(0);
    faulty.arm();
    expect(await store.delete("100")).toBe(true);
    expect(await store.delete("100")).toBe(false);
    expect(await store.countByAuthor("1")).toBe(0);
    expect(await store.countByAuthor("2")).toBe(1);
    expect(await store.findReposts("100", ["2"])).toEqual(["101"]);
    expect(faulty.fired()).toBe(5);
  });

  it("follows, blocks, users and notification keys change once", async () => {
    await ks.truncate("followees", "followers", "follow_counts", "blocks", "blocked_by");
    await ks.truncate("users", "user_handles", "notifications", "notification_keys");
    const faulty = timingOutClient();
    const options = { client: faulty.client, keyspace: ks.keyspace };
    const graph = new CassandraGraphStore(options);
    faulty.arm();
    expect(await graph.follow("1", "2", 10)).toBe("created");
    expect(await graph.counts("2")).toEqual({ followers: 1, following: 0 });
    faulty.arm();
    expect(await graph.block("2", "1")).toBe(true);
    expect(await graph.counts("2")).toEqual({ followers: 0, following: 0 });
    faulty.arm();
    expect(await graph.unblock("2", "1")).toBe(true);
    expect(await graph.blockedEither("1", ["2"])).toEqual([false]);
    const users = new CassandraUserStore(options);
    faulty.arm();
    expect(await users.create({ id: "5", handle: "Ann", displayName: "Ann", createdAt: 1 })).toBe(true);
    expect((await users.getByHandle("ann"))?.id).toBe("5");
    const notifications = new CassandraNotificationStore(options);
    const note = { id: "10", recipientId: "1", type: "like" as const, actorId: "2", postId: "7", at: 1, key: "k" };
    faulty.arm();
    expect(await notifications.upsert(note)).toBe(true);
    expect(await notifications.upsert({ ...note, id: "20" })).toBe(true);
    faulty.arm();
    expect(await notifications.upsert({ ...note, id: "30" })).toBe(true);
    expect((await notifications.list("1", { limit: 10 })).map((n) => n.id)).toEqual(["30"]);
    faulty.arm();
    expect(await notifications.remove("1", "k")).toBe(true);
    expect(await notifications.list("1", { limit: 10 })).toEqual([]);
    expect(faulty.fired()).toBe(7);
  });
});
