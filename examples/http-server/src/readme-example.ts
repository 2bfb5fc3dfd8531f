import { createFeedEngine, hybrid } from "@feed-engine/core";

// In memory, fan-out and notifications run in-process right after each call returns.
const feed = createFeedEngine({ policy: hybrid({ celebrityThreshold: 10_000, inactiveAfterDays: 30 }) });

const alice = await feed.registerUser({ handle: "alice" });
const bob = await feed.registerUser({ handle: "bob" });
await feed.follow(bob.id, alice.id);

const hello = await feed.post(alice.id, { text: "hello @bob 👋" });
await feed.like(bob.id, hello.id);
await feed.drain(); // only needed when you want fan-out done before the next line (tests, scripts)

const page = await feed.homeTimeline(bob.id, { limit: 20 });
for (const item of page.items) console.log(item.post.authorId, item.post.text);
// nextCursor is null where history ends; otherwise it reads the next (older) page.
const older = page.nextCursor ? await feed.homeTimeline(bob.id, { cursor: page.nextCursor }) : null;

const inbox = await feed.notifications(alice.id); // "bob liked your post", grouped per 12-hour window
console.log(inbox.unreadCount, inbox.items[0]?.type, older?.items.length ?? "end");
