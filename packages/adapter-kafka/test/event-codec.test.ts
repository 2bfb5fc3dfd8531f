import type { FeedEvent } from "@feed-engine/core";
import { isFeedError } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { decodeEvent, encodeEvent, SCHEMA_VERSION } from "../src/index.js";

const base = { id: "7", at: 1_700_000_000_000 };
const events: [FeedEvent, string, string][] = [
  [{ ...base, type: "post.created", postId: "10", authorId: "1" }, "posts", "1"],
  [{ ...base, type: "post.deleted", postId: "10", authorId: "1" }, "posts", "1"],
  [{ ...base, type: "graph.followed", followerId: "2", followeeId: "1" }, "graph", "2"],
  [{ ...base, type: "graph.unfollowed", followerId: "2", followeeId: "1" }, "graph", "2"],
  [{ ...base, type: "graph.blocked", blockerId: "3", blockedId: "1" }, "graph", "3"],
  [{ ...base, type: "graph.unblocked", blockerId: "3", blockedId: "1" }, "graph", "3"],
  [{ ...base, type: "engagement.liked", userId: "4", postId: "10", authorId: "1" }, "engagement", "10"],
  [{ ...base, type: "engagement.unliked", userId: "4", postId: "10", authorId: "1" }, "engagement", "10"],
];

describe("event codec", () => {
  it.each(events)("encodes %j to its topic and key, and decodes it back", (event, topic, key) => {
    const encoded = encodeEvent(event);
    expect(encoded.topic).toBe(topic);
    expect(encoded.key).toBe(key);
    expect(JSON.parse(encoded.value)).toEqual({ v: SCHEMA_VERSION, event });
    const decoded = decodeEvent(Buffer.from(encoded.value));
    expect(decoded).toEqual(event);
  });

  it("rejects what is not a feed event with VALIDATION", () => {
    for (const bad of [null, {}, { type: "post.edited", id: "1" }, "post.created"]) {
      expect(() => encodeEvent(bad as unknown as FeedEvent)).toThrow(
        expect.objectContaining({ code: "VALIDATION", message: expect.stringMatching(/^kafka: /) }),
      );
    }
    const keyless = { ...base, type: "post.created", postId: "10", authorId: "" } as FeedEvent;
    expect(() => encodeEvent(keyless)).toThrow(expect.objectContaining({ code: "VALIDATION" }));
  });

  it("refuses values it cannot read: not JSON, another schema version, no event", () => {
    const event = events[0]![0];
    const values = [
      null,
      Buffer.from("not json"),
      Buffer.from(JSON.stringify({ v: 2, event })),
      Buffer.from(JSON.stringify(event)),
      Buffer.from(JSON.stringify({ v: 1, event: { type: "post.edited" } })),
      Buffer.from("null"),
    ];
    for (const value of values) {
      let thrown: unknown;
      try {
        decodeEvent(value);
      } catch (error) {
        thrown = error;
      }
      expect(isFeedError(thrown, "VALIDATION"), String(value)).toBe(true);
    }
  });
});
