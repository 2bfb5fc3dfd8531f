import { beforeEach, describe, expect, it } from "vitest";
import type { PostRecord } from "../domain/types.js";
import { isFeedError } from "../errors/feed-error.js";
import type { PostStore } from "../ports/post-store.js";
import { lcg, newestFirst, post, reply, repost } from "./post-records.js";

/** Ascending numeric order of ids (the oracle does not use the library's comparison). */
function byId(a: PostRecord, b: PostRecord): number {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The {@link PostStore} contract's tests of the optional `insertMany`, skipped for stores without it. Called inside
 * `postStoreContract`: `current` returns the test's fresh store and `id` the next unused post id.
 */
export function insertManyContract(current: () => PostStore, id: () => string): void {
  describe("insertMany", () => {
    let store: PostStore;

    beforeEach(() => {
      store = current();
    });

    async function insertAll(...posts: PostRecord[]): Promise<void> {
      for (const p of posts) expect(await store.insert(p)).toEqual({ created: true, id: p.id });
    }

    /** The FeedError code a bulk insert fails with, or "none". */
    async function codeOf(posts: PostRecord[]): Promise<string> {
      try {
        await store.insertMany!(posts);
        return "none";
      } catch (error) {
        if (isFeedError(error)) return error.code;
        throw error;
      }
    }

    it("stores posts, replies, reposts and deleted posts with every field, counting live ones", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const a = { ...post(id(), "1", "hello @bob"), mentions: ["2", "10"], media: ["https://x.test/a.png"] };
      const b = reply(id(), "2", a);
      const c = repost(id(), "3", a);
      const gone = { ...post(id(), "1", "deleted"), deleted: true };
      const batch = [a, b, c, gone];
      expect(await store.insertMany(batch)).toBe(4);
      for (const p of batch) expect(await store.get(p.id)).toEqual(p);
      expect(await store.byAuthor("1", { limit: 10 })).toEqual([a.id]);
      expect(await store.findReposts(a.id, ["3"])).toEqual([c.id]);
      expect((await store.hydrate([c.id])).get(c.id)?.original?.id).toBe(a.id);
      const counts = await Promise.all(["1", "2", "3"].map((author) => store.countByAuthor(author)));
      expect(counts).toEqual([1, 1, 1]);
      expect(await store.insertMany([])).toBe(0);
    });

    it("skips ids already stored and repeated in the call, keeping the first given", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const stored = post(id(), "1", "stored");
      await insertAll(stored);
      const b = post(id(), "2", "first b");
      const c = post(id(), "2", "c");
      const batch = [
        { ...stored, authorId: "3", text: "again" },
        b,
        { ...b, authorId: "3", text: "second b" },
        c,
        { ...b, text: "third b" },
      ];
      expect(await store.insertMany(batch)).toBe(2);
      expect(await store.get(stored.id)).toEqual(stored);
      expect(await store.get(b.id)).toEqual(b);
      expect(await store.countByAuthor("1")).toBe(1);
      expect(await store.countByAuthor("2")).toBe(2);
      expect(await store.countByAuthor("3")).toBe(0);
      expect(await store.insertMany([b, c, stored])).toBe(0);
      expect(await store.countByAuthor("2")).toBe(2);
      expect(await store.insert({ ...c, text: "retry" })).toEqual({ created: false, id: c.id });
    });

    it("keeps one live repost per author and original, in the call (lowest id wins) and against stored ones", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const original = post(id(), "1");
      const other = post(id(), "1");
      const kept = repost(id(), "2", original);
      const gone = repost(id(), "5", original);
      await insertAll(original, other, kept, gone);
      await store.delete(gone.id);
      const low = repost(id(), "3", original);
      const high = repost(id(), "3", original);
      const again = repost(id(), "2", original);
      const deletedOne = { ...repost(id(), "4", original), deleted: true };
      const live4 = repost(id(), "4", original);
      const afterDelete = repost(id(), "5", original);
      const ofOther = repost(id(), "3", other);
      const batch = [high, again, live4, low, deletedOne, afterDelete, ofOther];
      expect(await store.insertMany(batch)).toBe(5);
      const reposters = ["2", "3", "4", "5"];
      const found = [...(await store.findReposts(original.id, reposters))].sort();
      expect(found).toEqual([kept.id, low.id, live4.id, afterDelete.id].sort());
      expect(await store.findReposts(other.id, ["3"])).toEqual([ofOther.id]);
      expect(await store.get(high.id)).toBeUndefined();
      expect(await store.get(again.id)).toBeUndefined();
      expect(await store.get(deletedOne.id)).toEqual(deletedOne);
      const counts = await Promise.all(reposters.map((r) => store.countByAuthor(r)));
      expect(counts).toEqual([1, 2, 1, 1]);
      expect(await store.insert(repost(id(), "3", original))).toEqual({ created: false, id: low.id });
    });

    it("keeps counters and author lists exact over many batches of many authors", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const random = lcg(77);
      const originals = Array.from({ length: 20 }, () => post(id(), "1000"));
      await insertAll(...originals);
      // The oracle: what inserting each batch one post at a time, in id order, would store.
      const stored = new Set<string>();
      const liveReposts = new Set<string>();
      const live = new Map<string, string[]>();
      const earlier: PostRecord[] = [];
      for (let round = 0; round < 5; round++) {
        const batch: PostRecord[] = [];
        for (let i = 0; i < 400; i++) {
          const author = String(1 + Math.floor(random() * 30));
          const roll = random();
          const p =
            roll < 0.2
              ? repost(id(), author, originals[Math.floor(random() * originals.length)]!)
              : { ...post(id(), author), deleted: roll > 0.95 };
          batch.push(p);
          if (random() < 0.05) batch.push(p);
          if (earlier.length > 0 && random() < 0.03) batch.push(earlier[Math.floor(random() * earlier.length)]!);
        }
        earlier.push(...batch);
        const shuffled = batch.map((p) => [random(), p] as const).sort((x, y) => x[0] - y[0]);
        let expected = 0;
        for (const p of [...batch].sort(byId)) {
          if (stored.has(p.id)) continue;
          const key = p.repostOf === undefined ? undefined : `${p.repostOf.postId}:${p.authorId}`;
          if (key !== undefined && !p.deleted && liveReposts.has(key)) continue;
          stored.add(p.id);
          expected++;
          if (p.deleted) continue;
          if (key !== undefined) liveReposts.add(key);
          live.set(p.authorId, [...(live.get(p.authorId) ?? []), p.id]);
        }
        expect(await store.insertMany(shuffled.map(([, p]) => p))).toBe(expected);
      }
      for (const [author, ids] of live) {
        expect(await store.countByAuthor(author)).toBe(ids.length);
        expect(await store.byAuthor(author, { limit: 5000 })).toEqual(newestFirst(ids));
      }
      const authors = [...live.keys()];
      expect(await store.byAuthors(authors, { limit: 5000 })).toEqual(newestFirst([...live.values()].flat()));
    });

    it("writes nothing when one record is bad, and says so with VALIDATION", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const good = [post(id(), "1"), post(id(), "2"), repost(id(), "3", post(id(), "1"))];
      const bad: PostRecord[] = [
        post("not-an-id", "1"),
        post(id(), "-4"),
        { ...post(id(), "1"), mentions: ["2", "x"] },
        { ...post(id(), "1"), createdAt: 1.5 },
        { ...post(id(), "1"), repostOf: { postId: "1e3", authorId: "1" } },
      ];
      for (const b of bad) {
        expect(await codeOf([...good, b])).toBe("VALIDATION");
        expect(await codeOf([b, ...good])).toBe("VALIDATION");
      }
      for (const p of good) expect(await store.get(p.id)).toBeUndefined();
      expect(await store.byAuthors(["1", "2", "3"], { limit: 10 })).toEqual([]);
      expect(await store.countByAuthor("1")).toBe(0);
      expect(await store.findReposts(good[2]!.repostOf!.postId, ["3"])).toEqual([]);
      expect(await store.insertMany(good)).toBe(3);
      expect(await store.countByAuthor("3")).toBe(1);
    });

    it("stores hostile text, media and mentions verbatim", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const hostile = [
        '"',
        '\\"',
        '""',
        "\\",
        "\\\\",
        "\\N",
        "NULL",
        "null",
        "a,b",
        "{",
        "}",
        "{a,b}",
        '{"a","b"}',
        "\\.",
        "\u0000",
        "a\u0000b\\0",
        "\\0",
        "tab\\there\\n",
        "tab\there\nnew\rline\u000b\f",
        "'; DROP TABLE posts;--",
        " spaced ",
        "😀 \u202e",
        "",
      ];
      const batch = hostile.map((text, i) => ({
        ...post(id(), "1", text),
        media: [text, `https://x.test/${text}`, "{}", ",", text],
        mentions: i % 2 === 0 ? [] : ["1", "9223372036854775807"],
      }));
      batch.push({ ...post(id(), "2", "no media"), media: [] });
      batch.push({ ...post(id(), "2", "one empty string"), media: [""] });
      expect(await store.insertMany(batch)).toBe(batch.length);
      for (const p of batch) {
        expect(await store.get(p.id)).toEqual(p);
        expect((await store.hydrate([p.id])).get(p.id)?.post.media).toEqual(p.media);
      }
      expect(await store.countByAuthor("1")).toBe(hostile.length);
    });

    it("keeps its own copies of records", async (ctx) => {
      if (store.insertMany === undefined) return ctx.skip();
      const a = { ...post(id(), "1", "original"), mentions: ["2"], media: ["https://x.test/a"] };
      await store.insertMany([a]);
      a.text = "changed";
      a.mentions.push("3");
      a.media.push("https://x.test/b");
      expect(await store.get(a.id)).toEqual({ ...a, text: "original", mentions: ["2"], media: ["https://x.test/a"] });
    });
  });
}
