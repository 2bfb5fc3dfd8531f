/** Hostile values are stored verbatim as bind values or refused with VALIDATION before anything is sent. */
import type { PostRecord } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { CassandraNotificationStore, CassandraPostStore, CassandraTimelineStore } from "../src/index.js";
import { codeOf, recordingClient, testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("hostile");
const HOSTILE = [
  "'; DROP TABLE posts; --",
  `"; DROP KEYSPACE "${ks.keyspace}"; --`,
  "') IF NOT EXISTS; --",
  "{tag}",
  "{{keyspace}}",
  "?",
  ":name",
  "*",
  "\u0000",
  "a\u0000b",
  "😀 \u202e",
  "NULL",
  "[1, 2]",
];
const BAD_IDS = ["9223372036854775808", "18446744073709551615", "-5", "007", "1 OR 1=1", "0x10", "", "1.5"];

function post(id: string, authorId: string, text = `post ${id}`): PostRecord {
  return { id, authorId, text, createdAt: 1_700_000_000_000, mentions: [], media: [], deleted: false };
}

describe("hostile input", () => {
  it("stores hostile post text, media and notification keys verbatim, as data", async () => {
    await ks.truncate(
      "posts",
      "posts_by_author",
      "author_buckets",
      "post_counts",
      "notifications",
      "notification_keys",
    );
    const posts = new CassandraPostStore({ client: ks.client, keyspace: ks.keyspace });
    const notifications = new CassandraNotificationStore({ client: ks.client, keyspace: ks.keyspace });
    for (const [i, text] of HOSTILE.entries()) {
      const p = { ...post(String(100 + i), "1", text), media: [text, "NULL"] };
      expect(await posts.insert(p)).toEqual({ created: true, id: p.id });
      expect(await posts.get(p.id)).toEqual(p);
      const note = { id: String(200 + i), recipientId: "1", type: "like" as const, actorId: "2", at: i, key: text };
      expect(await notifications.upsert(note)).toBe(true);
    }
    expect(await posts.countByAuthor("1")).toBe(HOSTILE.length);
    const listed = await notifications.list("1", { limit: 100 });
    expect(listed.map((n) => n.key)).toEqual([...HOSTILE].reverse());
    const { rows } = await ks.client.execute(`SELECT COUNT(*) AS n FROM "${ks.keyspace}".posts`);
    expect(Number(rows[0]?.n)).toBe(HOSTILE.length);
  });

  it("accepts the largest id, 2^63 - 1, everywhere", async () => {
    await ks.truncate("posts", "posts_by_author", "author_buckets", "post_counts", "timelines");
    const max = "9223372036854775807";
    const posts = new CassandraPostStore({ client: ks.client, keyspace: ks.keyspace });
    expect(await posts.insert(post(max, max))).toEqual({ created: true, id: max });
    expect(await posts.byAuthor(max, { limit: 5 })).toEqual([max]);
    expect(await posts.byAuthor(max, { after: "9223372036854775806", limit: 5 })).toEqual([max]);
    expect(await posts.byAuthor(max, { after: max, limit: 5 })).toEqual([]);
    expect(await posts.byAuthor(max, { before: max, limit: 5 })).toEqual([]);
    const timelines = new CassandraTimelineStore({ client: ks.client, keyspace: ks.keyspace, cap: 5 });
    await timelines.fill(max, [max, "1"], "0");
    expect(await timelines.read(max, { limit: 5 })).toEqual({ ids: [max, "1"], floor: "0" });
  });

  it("refuses ids outside 0..2^63-1 and malformed ids with VALIDATION, before sending anything", async () => {
    await ks.ready();
    const recorded = recordingClient(ks.client);
    const options = { client: recorded.client, keyspace: ks.keyspace };
    const posts = new CassandraPostStore(options);
    const timelines = new CassandraTimelineStore(options);
    const notifications = new CassandraNotificationStore(options);
    for (const id of BAD_IDS) {
      expect(await codeOf(() => posts.insert(post(id, "1")))).toBe("VALIDATION");
      expect(await codeOf(() => posts.insert(post("5", id)))).toBe("VALIDATION");
      expect(await codeOf(() => posts.insert({ ...post("5", "1"), mentions: ["2", id] }))).toBe("VALIDATION");
      expect(await codeOf(() => posts.get(id))).toBe("VALIDATION");
      expect(await codeOf(() => posts.hydrate(["1", id]))).toBe("VALIDATION");
      expect(await codeOf(() => posts.byAuthors(["1"], { before: id, limit: 5 }))).toBe("VALIDATION");
      expect(await codeOf(() => posts.like({ userId: "1", postId: "1", id, at: 1 }))).toBe("VALIDATION");
      expect(await codeOf(() => timelines.push(["1", id], "5"))).toBe("VALIDATION");
      expect(await codeOf(() => timelines.fill("1", [id], "0"))).toBe("VALIDATION");
      expect(await codeOf(() => timelines.read("1", { before: id, limit: 5 }))).toBe("VALIDATION");
      expect(await codeOf(() => notifications.markRead("1", id))).toBe("VALIDATION");
      expect(
        await codeOf(() => notifications.upsert({ id, recipientId: "1", type: "like", actorId: "2", at: 1, key: "k" })),
      ).toBe("VALIDATION");
    }
    expect(recorded.statements).toEqual([]);
  });

  it("refuses text it cannot store exactly with VALIDATION", async () => {
    await ks.ready();
    const recorded = recordingClient(ks.client);
    const posts = new CassandraPostStore({ client: recorded.client, keyspace: ks.keyspace });
    const notifications = new CassandraNotificationStore({ client: recorded.client, keyspace: ks.keyspace });
    expect(await codeOf(() => posts.insert(post("1", "1", "\ud800")))).toBe("VALIDATION");
    expect(await codeOf(() => posts.insert(post("1", "1", "x".repeat(70_000))))).toBe("VALIDATION");
    expect(await codeOf(() => posts.insert({ ...post("1", "1"), createdAt: 1.5 }))).toBe("VALIDATION");
    expect(await codeOf(() => posts.insert({ ...post("1", "1"), media: Array(1001).fill("x") }))).toBe("VALIDATION");
    const note = { id: "1", recipientId: "1", type: "like" as const, actorId: "2", at: 1, key: "k" };
    expect(await codeOf(() => notifications.upsert({ ...note, key: "x".repeat(2000) }))).toBe("VALIDATION");
    expect(await codeOf(() => notifications.upsert({ ...note, type: "poke" as "like" }))).toBe("VALIDATION");
    expect(await codeOf(() => notifications.upsert({ ...note, at: Number.NaN }))).toBe("VALIDATION");
    expect(recorded.statements).toEqual([]);
  });
});
