/**
 * Every error path of the engine: each invalid input gets a FeedError with the right code and a message, and
 * changes nothing (users, counters, timelines, notifications and follow lists are equal before and after).
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  createFeedEngine,
  type FeedEngine,
  FeedError,
  type FeedErrorCode,
  isFeedError,
  ManualClock,
  MemoryEventBus,
  type Post,
  type User,
} from "../src/index.js";

/** A well-formed id that no engine in this file hands out. */
const UNKNOWN = "9223372036854775000";

interface Fixture {
  engine: FeedEngine;
  ann: User;
  bob: User;
  cy: User;
  /** Blocked by ann before the tests start. */
  dana: User;
  annPost: Post;
  bobPost: Post;
  danaPost: Post;
  /** cy's repost of dana's post. */
  cyRepost: Post;
  deleted: Post;
}

let f: Fixture;

beforeEach(async () => {
  const engine = createFeedEngine({
    clock: new ManualClock(Date.UTC(2026, 0, 1, 9)),
    bus: new MemoryEventBus({ autoDrain: false }),
  });
  const [ann, bob, cy, dana] = [
    await engine.registerUser({ handle: "ann" }),
    await engine.registerUser({ handle: "Bob", displayName: "Bob B." }),
    await engine.registerUser({ handle: "cy" }),
    await engine.registerUser({ handle: "dana" }),
  ] as [User, User, User, User];
  await engine.follow(ann.id, bob.id);
  await engine.follow(bob.id, ann.id);
  await engine.follow(cy.id, ann.id);
  const annPost = await engine.post(ann.id, { text: "first @Bob" });
  await engine.post(ann.id, { text: "second" });
  const bobPost = await engine.post(bob.id, { text: "hello" });
  await engine.post(bob.id, { text: "reply", replyTo: annPost.id });
  await engine.like(bob.id, annPost.id);
  const danaPost = await engine.post(dana.id, { text: "dana's" });
  const cyRepost = await engine.repost(cy.id, danaPost.id);
  const deleted = await engine.post(ann.id, { text: "gone soon" });
  await engine.deletePost(ann.id, deleted.id);
  await engine.block(ann.id, dana.id);
  await engine.drain();
  f = { engine, ann, bob, cy, dana, annPost, bobPost, danaPost, cyRepost, deleted };
});

/** Everything a caller can observe about the fixture's users. */
async function snapshot() {
  await f.engine.drain();
  const users = [f.ann, f.bob, f.cy, f.dana];
  return Promise.all(
    users.map(async (u) => ({
      user: await f.engine.getUser(u.id),
      byHandle: await f.engine.getUserByHandle(u.handle),
      home: await f.engine.homeTimeline(u.id, { limit: 100 }),
      timeline: await f.engine.userTimeline(u.id, { limit: 100 }),
      notifications: await f.engine.notifications(u.id, { limit: 100 }),
      followers: await f.engine.followers(u.id),
      following: await f.engine.following(u.id),
    })),
  );
}

/** `call` throws a FeedError with `code` and a message, and nothing observable changes. */
async function expectRejected(code: FeedErrorCode, call: (engine: FeedEngine) => Promise<unknown>) {
  const before = await snapshot();
  let error: unknown;
  try {
    await call(f.engine);
  } catch (caught) {
    error = caught;
  }
  expect(error, "the call must throw").toBeInstanceOf(FeedError);
  expect((error as FeedError).code, (error as FeedError).message).toBe(code);
  expect(isFeedError(error, code)).toBe(true);
  expect((error as FeedError).message.length, "a message that says what was wrong").toBeGreaterThan(10);
  expect(await snapshot(), "a rejected call changes nothing").toEqual(before);
}

describe("post text", () => {
  it.each([
    ["empty", ""],
    ["whitespace only", "  \n\t \u00a0 "],
    ["281 code points", "a".repeat(281)],
    ["281 emoji", "😀".repeat(281)],
    ["281 code points of combining marks", `${"e\u0301".repeat(140)}e`],
    ["a lone high surrogate", "hi \ud800 there"],
    ["a lone low surrogate", "\udc00"],
    ["a NUL byte", "a\u0000b"],
  ])("rejects %s as VALIDATION", async (_name, text) => {
    await expectRejected("VALIDATION", (e) => e.post(f.ann.id, { text }));
    await expectRejected("VALIDATION", (e) => e.post(f.ann.id, { text, replyTo: f.bobPost.id }));
  });

  it.each([
    ["280 ASCII characters", "a".repeat(280)],
    ["280 emoji (560 UTF-16 units)", "😀".repeat(280)],
    ["280 CJK characters", "日".repeat(280)],
    ["280 code points of letters and combining marks", "e\u0301".repeat(140)],
    ["280 code points inside whitespace", `  ${"b".repeat(280)}\n`],
  ])("accepts %s", async (_name, text) => {
    const post = await f.engine.post(f.ann.id, { text });
    expect(post.text).toBe(text.trim());
    expect((await f.engine.getUser(f.ann.id)).posts).toBe(3);
  });
});

describe("media", () => {
  const https = (n: number) => Array.from({ length: n }, (_, i) => `https://cdn.example.com/${i}.png`);

  it.each([
    ["five URLs", https(5)],
    ["an http URL", ["http://cdn.example.com/a.png"]],
    ["a javascript: URL", ["javascript:alert(1)"]],
    ["a non-URL", ["not a url"]],
  ])("rejects %s as VALIDATION", async (_name, media) => {
    await expectRejected("VALIDATION", (e) => e.post(f.ann.id, { text: "pics", media }));
  });

  it("accepts four https URLs", async () => {
    const post = await f.engine.post(f.ann.id, { text: "pics", media: https(4) });
    expect(post.media).toEqual(https(4));
  });
});

describe("handles and display names", () => {
  it.each([
    ["empty", ""],
    ["31 characters", "a".repeat(31)],
    ["with a hyphen", "a-b"],
    ["with an accent", "émile"],
    ["with a leading space", " spaced"],
    ["with a trailing space", "spaced "],
    ["with an @", "@ann2"],
  ])("rejects a handle %s as VALIDATION", async (_name, handle) => {
    await expectRejected("VALIDATION", (e) => e.registerUser({ handle }));
  });

  it("rejects a taken handle in another case as CONFLICT, keeping the first account", async () => {
    await expectRejected("CONFLICT", (e) => e.registerUser({ handle: "ANN" }));
    await expectRejected("CONFLICT", (e) => e.registerUser({ handle: "bob" }));
    expect((await f.engine.getUserByHandle("BOB")).id).toBe(f.bob.id);
  });

  it("accepts 30 characters of [A-Za-z0-9_] and shows the handle as registered", async () => {
    const user = await f.engine.registerUser({ handle: `${"Aa_9".repeat(7)}Zz` });
    expect(user.handle).toBe(`${"Aa_9".repeat(7)}Zz`);
    expect((await f.engine.getUserByHandle(`${"aa_9".repeat(7)}zz`)).id).toBe(user.id);
  });

  it("rejects a display name over 50 code points, and the handle stays free", async () => {
    await expectRejected("VALIDATION", (e) => e.registerUser({ handle: "zoe", displayName: "z".repeat(51) }));
    const zoe = await f.engine.registerUser({ handle: "zoe", displayName: "😀".repeat(50) });
    expect(zoe.displayName).toBe("😀".repeat(50));
  });
});

describe("unknown users and posts", () => {
  const calls: [string, (e: FeedEngine) => Promise<unknown>][] = [
    ["getUser", (e) => e.getUser(UNKNOWN)],
    ["getUserByHandle", (e) => e.getUserByHandle("nobody")],
    ["post by an unknown author", (e) => e.post(UNKNOWN, { text: "hi" })],
    ["reply to an unknown post", (e) => e.post(f.ann.id, { text: "hi", replyTo: UNKNOWN })],
    ["repost of an unknown post", (e) => e.repost(f.ann.id, UNKNOWN)],
    ["repost by an unknown user", (e) => e.repost(UNKNOWN, f.bobPost.id)],
    ["deletePost of an unknown post", (e) => e.deletePost(f.ann.id, UNKNOWN)],
    ["deletePost by an unknown user", (e) => e.deletePost(UNKNOWN, f.annPost.id)],
    ["getPost", (e) => e.getPost(UNKNOWN)],
    ["getPost with an unknown viewer", (e) => e.getPost(f.annPost.id, UNKNOWN)],
    ["like of an unknown post", (e) => e.like(f.ann.id, UNKNOWN)],
    ["like by an unknown user", (e) => e.like(UNKNOWN, f.bobPost.id)],
    ["unlike of an unknown post", (e) => e.unlike(f.ann.id, UNKNOWN)],
    ["follow of an unknown user", (e) => e.follow(f.ann.id, UNKNOWN)],
    ["follow by an unknown user", (e) => e.follow(UNKNOWN, f.ann.id)],
    ["unfollow of an unknown user", (e) => e.unfollow(f.ann.id, UNKNOWN)],
    ["block of an unknown user", (e) => e.block(f.ann.id, UNKNOWN)],
    ["unblock of an unknown user", (e) => e.unblock(f.ann.id, UNKNOWN)],
    ["followers", (e) => e.followers(UNKNOWN)],
    ["following", (e) => e.following(UNKNOWN)],
    ["homeTimeline", (e) => e.homeTimeline(UNKNOWN)],
    ["userTimeline", (e) => e.userTimeline(UNKNOWN)],
    ["userTimeline with an unknown viewer", (e) => e.userTimeline(f.ann.id, { viewerId: UNKNOWN })],
    ["notifications", (e) => e.notifications(UNKNOWN)],
    ["markNotificationsRead", (e) => e.markNotificationsRead(UNKNOWN)],
  ];
  it.each(calls)("%s is NOT_FOUND", async (_name, call) => {
    await expectRejected("NOT_FOUND", call);
  });
});

describe("ids that are not canonical decimal strings", () => {
  const badIds: unknown[] = [
    "abc",
    "",
    "01",
    "-1",
    "1.5",
    " 12",
    "1e3",
    "18446744073709551616",
    "9223372036854775808",
    12,
    null,
  ];
  const calls: [string, (e: FeedEngine, id: string) => Promise<unknown>][] = [
    ["getUser", (e, id) => e.getUser(id)],
    ["post", (e, id) => e.post(id, { text: "hi" })],
    ["post replyTo", (e, id) => e.post(f.ann.id, { text: "hi", replyTo: id })],
    ["repost", (e, id) => e.repost(f.ann.id, id)],
    ["deletePost", (e, id) => e.deletePost(f.ann.id, id)],
    ["getPost", (e, id) => e.getPost(id)],
    ["like", (e, id) => e.like(f.ann.id, id)],
    ["unlike", (e, id) => e.unlike(id, f.annPost.id)],
    ["follow", (e, id) => e.follow(f.ann.id, id)],
    ["unfollow", (e, id) => e.unfollow(id, f.bob.id)],
    ["block", (e, id) => e.block(f.ann.id, id)],
    ["unblock", (e, id) => e.unblock(f.ann.id, id)],
    ["followers", (e, id) => e.followers(id)],
    ["homeTimeline", (e, id) => e.homeTimeline(id)],
    ["userTimeline viewer", (e, id) => e.userTimeline(f.ann.id, { viewerId: id })],
    ["notifications", (e, id) => e.notifications(id)],
    ["markNotificationsRead upTo", (e, id) => e.markNotificationsRead(f.ann.id, { upTo: id })],
  ];
  it.each(calls)("%s rejects each as VALIDATION", async (_name, call) => {
    for (const id of badIds) await expectRejected("VALIDATION", (e) => call(e, id as string));
  });
});

describe("cursors and limits", () => {
  const garbage = [
    "",
    "xyz",
    "!!!",
    Buffer.from([0, 255, 1, 254, 2]).toString("base64url"),
    Buffer.from("garbage cursor").toString("base64url"),
  ];

  it.each(garbage)("rejects the cursor %j as VALIDATION on every paged read", async (cursor) => {
    await expectRejected("VALIDATION", (e) => e.homeTimeline(f.ann.id, { cursor }));
    await expectRejected("VALIDATION", (e) => e.userTimeline(f.ann.id, { cursor }));
    await expectRejected("VALIDATION", (e) => e.notifications(f.ann.id, { cursor }));
  });

  it("rejects a cursor of one kind of timeline passed to another", async () => {
    const home = (await f.engine.homeTimeline(f.ann.id, { limit: 1 })).nextCursor!;
    const user = (await f.engine.userTimeline(f.ann.id, { limit: 1 })).nextCursor!;
    const notifications = (await f.engine.notifications(f.ann.id, { limit: 1 })).nextCursor!;
    expect([home, user, notifications].every((c) => typeof c === "string")).toBe(true);
    await expectRejected("VALIDATION", (e) => e.homeTimeline(f.ann.id, { cursor: user }));
    await expectRejected("VALIDATION", (e) => e.homeTimeline(f.ann.id, { cursor: notifications }));
    await expectRejected("VALIDATION", (e) => e.userTimeline(f.ann.id, { cursor: home }));
    await expectRejected("VALIDATION", (e) => e.notifications(f.ann.id, { cursor: home }));
  });

  it.each([0, 101, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10"])(
    "rejects the timeline limit %s as VALIDATION",
    async (limit) => {
      const options = { limit: limit as number };
      await expectRejected("VALIDATION", (e) => e.homeTimeline(f.ann.id, options));
      await expectRejected("VALIDATION", (e) => e.userTimeline(f.ann.id, options));
      await expectRejected("VALIDATION", (e) => e.notifications(f.ann.id, options));
    },
  );

  it.each([0, 1001, 1.5, Number.NaN])("rejects the follow-list limit %s as VALIDATION", async (limit) => {
    await expectRejected("VALIDATION", (e) => e.followers(f.ann.id, { limit }));
    await expectRejected("VALIDATION", (e) => e.following(f.ann.id, { limit }));
  });

  it("accepts the limits at the edges", async () => {
    expect((await f.engine.homeTimeline(f.ann.id, { limit: 1 })).items).toHaveLength(1);
    expect((await f.engine.homeTimeline(f.ann.id, { limit: 100 })).nextCursor).toBeNull();
    expect((await f.engine.followers(f.ann.id, { limit: 1000 })).ids).toHaveLength(2);
  });
});

describe("permissions", () => {
  it("deleting another's post is FORBIDDEN", async () => {
    await expectRejected("FORBIDDEN", (e) => e.deletePost(f.bob.id, f.annPost.id));
  });

  it("following oneself is VALIDATION", async () => {
    await expectRejected("VALIDATION", (e) => e.follow(f.ann.id, f.ann.id));
  });

  it("following across a block is FORBIDDEN in both directions", async () => {
    await expectRejected("FORBIDDEN", (e) => e.follow(f.ann.id, f.dana.id));
    await expectRejected("FORBIDDEN", (e) => e.follow(f.dana.id, f.ann.id));
  });

  it("replying, reposting and liking across a block are FORBIDDEN in both directions", async () => {
    await expectRejected("FORBIDDEN", (e) => e.post(f.ann.id, { text: "hi", replyTo: f.danaPost.id }));
    await expectRejected("FORBIDDEN", (e) => e.repost(f.ann.id, f.danaPost.id));
    await expectRejected("FORBIDDEN", (e) => e.like(f.ann.id, f.danaPost.id));
    await expectRejected("FORBIDDEN", (e) => e.post(f.dana.id, { text: "hi", replyTo: f.annPost.id }));
    await expectRejected("FORBIDDEN", (e) => e.repost(f.dana.id, f.annPost.id));
    await expectRejected("FORBIDDEN", (e) => e.like(f.dana.id, f.annPost.id));
  });

  it("reposting or replying to a repost is judged by its original's author", async () => {
    await expectRejected("FORBIDDEN", (e) => e.repost(f.ann.id, f.cyRepost.id));
    await expectRejected("FORBIDDEN", (e) => e.post(f.ann.id, { text: "hi", replyTo: f.cyRepost.id }));
  });

  it("reading across a block is FORBIDDEN", async () => {
    await expectRejected("FORBIDDEN", (e) => e.getPost(f.danaPost.id, f.ann.id));
    await expectRejected("FORBIDDEN", (e) => e.userTimeline(f.dana.id, { viewerId: f.ann.id }));
    await expectRejected("FORBIDDEN", (e) => e.userTimeline(f.ann.id, { viewerId: f.dana.id }));
  });

  it("a deleted post is NOT_FOUND for every call that names it", async () => {
    await expectRejected("NOT_FOUND", (e) => e.deletePost(f.ann.id, f.deleted.id));
    await expectRejected("NOT_FOUND", (e) => e.getPost(f.deleted.id));
    await expectRejected("NOT_FOUND", (e) => e.like(f.bob.id, f.deleted.id));
    await expectRejected("NOT_FOUND", (e) => e.repost(f.bob.id, f.deleted.id));
    await expectRejected("NOT_FOUND", (e) => e.post(f.bob.id, { text: "hi", replyTo: f.deleted.id }));
  });
});
