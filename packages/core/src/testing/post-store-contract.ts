import { beforeEach, describe, expect, it } from "vitest";
import type { PostRecord } from "../domain/types.js";
import type { IdRange, PostStore } from "../ports/post-store.js";
import { BIG, lcg, newestFirst, post, reply, repost } from "./post-records.js";
import { insertManyContract } from "./post-store-insert-many.js";

/** What `byAuthors` must return over `all` (every live id of the authors asked). */
function oracle(all: readonly string[], range: IdRange): string[] {
  const inRange = all.filter(
    (id) =>
      (range.before === undefined || BigInt(id) < BigInt(range.before)) &&
      (range.after === undefined || BigInt(id) > BigInt(range.after)),
  );
  return newestFirst(inRange).slice(0, range.limit);
}

/**
 * The behaviour every {@link PostStore} must have. Call it from an adapter's test file with a factory that returns an
 * empty store (its own namespace) on every call. `insertMany` is optional; its tests skip when it is missing.
 */
export function postStoreContract(name: string, factory: () => PostStore | Promise<PostStore>): void {
  describe(`${name}: PostStore contract`, () => {
    let store: PostStore;
    let next: bigint;
    const id = (): string => (next++).toString();

    beforeEach(async () => {
      store = await factory();
      next = BIG;
    });

    async function insertAll(...posts: PostRecord[]): Promise<void> {
      for (const p of posts) expect(await store.insert(p)).toEqual({ created: true, id: p.id });
    }

    describe("insert and get", () => {
      it("stores posts, replies and reposts with every field", async () => {
        const a = { ...post(id(), "1", "hello @bob"), mentions: ["2", "10"], media: ["https://x.test/a.png"] };
        const b = reply(id(), "2", a);
        const c = repost(id(), "3", a);
        await insertAll(a, b, c);
        expect(await store.get(a.id)).toEqual(a);
        expect(await store.get(b.id)).toEqual(b);
        expect(await store.get(c.id)).toEqual(c);
        expect(await store.get("12345")).toBeUndefined();
      });

      it("writes nothing when the id is already stored", async () => {
        const a = post(id(), "1", "first");
        await insertAll(a);
        expect(await store.insert({ ...a, authorId: "2", text: "second" })).toEqual({ created: false, id: a.id });
        expect(await store.get(a.id)).toEqual(a);
        expect(await store.countByAuthor("2")).toBe(0);
        expect(await store.byAuthor("1", { limit: 10 })).toEqual([a.id]);
      });

      it("keeps its own copies of records", async () => {
        const a = { ...post(id(), "1", "original"), mentions: ["2"] };
        await insertAll(a);
        a.text = "changed";
        a.mentions.push("3");
        const got = await store.get(a.id);
        expect(got?.text).toBe("original");
        got?.mentions.push("4");
        expect((await store.get(a.id))?.mentions).toEqual(["2"]);
      });

      it("stores hostile text and media verbatim without touching other posts", async () => {
        const plain = post(id(), "1", "plain");
        await insertAll(plain);
        const texts = ["'; DROP TABLE x;--", "{tag}", "*", "\u0000", "a\u0000b", "%_", "😀 \u202e", "line\nbreak"];
        for (const text of texts) {
          const p = { ...post(id(), "2", text), media: [`https://x.test/${text}`] };
          await insertAll(p);
          expect(await store.get(p.id)).toEqual(p);
          expect((await store.hydrate([p.id])).get(p.id)?.post.text).toBe(text);
        }
        expect(await store.get(plain.id)).toEqual(plain);
        expect(await store.countByAuthor("2")).toBe(texts.length);
        expect(await store.byAuthor("1", { limit: 10 })).toEqual([plain.id]);
      });
    });

    describe("byAuthor", () => {
      it("lists an author's live posts newest first, up to the limit", async () => {
        const ids = [id(), id(), id(), id()];
        await insertAll(...ids.map((i) => post(i, "1")), post(id(), "2"));
        expect(await store.byAuthor("1", { limit: 10 })).toEqual(newestFirst(ids));
        expect(await store.byAuthor("1", { limit: 2 })).toEqual(newestFirst(ids).slice(0, 2));
        expect(await store.byAuthor("3", { limit: 10 })).toEqual([]);
      });

      it("orders posts inserted out of order by id", async () => {
        const ids = ["1000000000000000005", "1000000000000000003", "1000000000000000009", "1000000000000000001"];
        await insertAll(...ids.map((i) => post(i, "1")));
        expect(await store.byAuthor("1", { limit: 10 })).toEqual(newestFirst(ids));
      });

      it("applies exclusive before/after bounds by numeric order across id lengths", async () => {
        const ids = ["8", "9", "10", "11", "99", "100", "101"];
        await insertAll(...ids.map((i) => post(i, "1")));
        expect(await store.byAuthor("1", { before: "100", limit: 10 })).toEqual(["99", "11", "10", "9", "8"]);
        expect(await store.byAuthor("1", { after: "9", limit: 10 })).toEqual(["101", "100", "99", "11", "10"]);
        expect(await store.byAuthor("1", { before: "101", after: "9", limit: 2 })).toEqual(["100", "99"]);
        expect(await store.byAuthor("1", { before: "50", after: "10", limit: 10 })).toEqual(["11"]);
        expect(await store.byAuthor("1", { before: "10", after: "10", limit: 10 })).toEqual([]);
        expect(await store.byAuthor("1", { before: "9", after: "99", limit: 10 })).toEqual([]);
        expect(await store.byAuthor("1", { before: "8", limit: 10 })).toEqual([]);
        expect(await store.byAuthor("1", { after: "0", limit: 10 })).toEqual(newestFirst(ids));
      });
    });

    describe("byAuthors", () => {
      it("merges authors newest first and stops at the limit", async () => {
        const posts = ["1", "2", "3", "1", "3", "3", "2", "1"].map((author) => post(id(), author));
        await insertAll(...posts, post(id(), "4"));
        const all = posts.map((p) => p.id);
        expect(await store.byAuthors(["1", "2", "3"], { limit: 100 })).toEqual(newestFirst(all));
        expect(await store.byAuthors(["3", "1", "2"], { limit: 3 })).toEqual(newestFirst(all).slice(0, 3));
        const ofOneAndTwo = posts.filter((p) => p.authorId !== "3").map((p) => p.id);
        expect(await store.byAuthors(["2", "1"], { limit: 100 })).toEqual(newestFirst(ofOneAndTwo));
        expect(await store.byAuthors([], { limit: 100 })).toEqual([]);
        expect(await store.byAuthors(["404"], { limit: 100 })).toEqual([]);
      });

      it("never repeats an id when authors are listed twice", async () => {
        const posts = [post(id(), "1"), post(id(), "2"), post(id(), "1")];
        await insertAll(...posts);
        const got = await store.byAuthors(["1", "2", "1", "1", "404"], { limit: 100 });
        expect(got).toEqual(newestFirst(posts.map((p) => p.id)));
      });

      it("applies before/after bounds by numeric order across id lengths", async () => {
        const byAuthor: Record<string, string[]> = { "1": ["9", "100", "1001"], "2": ["10", "99", "999"], "3": ["11"] };
        for (const [author, ids] of Object.entries(byAuthor)) await insertAll(...ids.map((i) => post(i, author)));
        const all = Object.values(byAuthor).flat();
        const ranges: IdRange[] = [
          { limit: 100 },
          { before: "100", limit: 100 },
          { after: "10", limit: 100 },
          { before: "1000", after: "9", limit: 3 },
          { before: "11", after: "9", limit: 100 },
          { before: "10", after: "10", limit: 100 },
          { before: "9", limit: 100 },
          { after: "1001", limit: 100 },
        ];
        for (const range of ranges) expect(await store.byAuthors(["1", "2", "3"], range)).toEqual(oracle(all, range));
        expect(await store.byAuthors(["1", "2", "3"], { before: "100", limit: 100 })).toEqual(["99", "11", "10", "9"]);
      });

      it("merges 1,205 authors and pages through them without gaps or repeats", async () => {
        const random = lcg(1205);
        const authors = Array.from({ length: 1205 }, (_, i) => String(i + 1));
        const all: string[] = [];
        for (let i = 0; i < 3 * authors.length; i++) {
          const p = post(id(), authors[Math.floor(random() * authors.length)]!);
          await insertAll(p);
          all.push(p.id);
        }
        await insertAll(post(id(), "999999"));
        const seen: string[] = [];
        let before: string | undefined;
        for (;;) {
          const page = await store.byAuthors(authors, { before, limit: 500 });
          expect(page).toEqual(oracle(all, { before, limit: 500 }));
          if (page.length === 0) break;
          seen.push(...page);
          before = page[page.length - 1];
        }
        expect(seen).toEqual(newestFirst(all));
        const mid = newestFirst(all)[2000]!;
        const range: IdRange = { before: newestFirst(all)[100]!, after: mid, limit: 700 };
        expect(await store.byAuthors(authors, range)).toEqual(oracle(all, range));
      });
    });

    describe("delete", () => {
      it("hides a deleted post everywhere but get, and reports a second delete", async () => {
        const a = post(id(), "1");
        const r = repost(id(), "2", post(id(), "3"));
        const b = post(id(), "1");
        await insertAll(a, r, b);
        expect(await store.delete(a.id)).toBe(true);
        expect(await store.delete(a.id)).toBe(false);
        expect(await store.delete("777")).toBe(false);
        expect(await store.get(a.id)).toEqual({ ...a, deleted: true });
        expect(await store.byAuthor("1", { limit: 10 })).toEqual([b.id]);
        expect(await store.byAuthors(["1", "2"], { limit: 10 })).toEqual([b.id, r.id]);
        expect((await store.hydrate([a.id, b.id])).has(a.id)).toBe(false);
        expect(await store.countByAuthor("1")).toBe(1);
      });

      it("drops a deleted repost from findReposts and lets its author repost again", async () => {
        const original = post(id(), "1");
        const first = repost(id(), "2", original);
        await insertAll(original, first);
        expect(await store.delete(first.id)).toBe(true);
        expect(await store.findReposts(original.id, ["2"])).toEqual([]);
        const again = repost(id(), "2", original);
        expect(await store.insert(again)).toEqual({ created: true, id: again.id });
        expect(await store.findReposts(original.id, ["2"])).toEqual([again.id]);
        expect(await store.countByAuthor("2")).toBe(1);
      });
    });

    describe("reposts", () => {
      it("keeps one live repost per author and original, returning the existing one", async () => {
        const original = post(id(), "1");
        const first = repost(id(), "2", original);
        await insertAll(original, first);
        const second = repost(id(), "2", original);
        expect(await store.insert(second)).toEqual({ created: false, id: first.id });
        expect(await store.get(second.id)).toBeUndefined();
        expect(await store.byAuthor("2", { limit: 10 })).toEqual([first.id]);
        expect(await store.countByAuthor("2")).toBe(1);
        const other = repost(id(), "3", original);
        expect(await store.insert(other)).toEqual({ created: true, id: other.id });
      });

      it("finds the live reposts by the given reposters, from either side", async () => {
        const original = post(id(), "1");
        const other = post(id(), "1");
        await insertAll(original, other);
        const reposts = ["2", "3", "4", "5"].map((author) => repost(id(), author, original));
        await insertAll(...reposts, repost(id(), "6", other));
        const sorted = async (reposters: string[]) => [...(await store.findReposts(original.id, reposters))].sort();
        expect(await sorted(["3", "5", "6", "7"])).toEqual([reposts[1]!.id, reposts[3]!.id].sort());
        const many = Array.from({ length: 1000 }, (_, i) => String(i + 3));
        expect(await sorted(many)).toEqual([reposts[1]!.id, reposts[2]!.id, reposts[3]!.id].sort());
        expect(await sorted(["2"])).toEqual([reposts[0]!.id]);
        expect(await store.findReposts(original.id, [])).toEqual([]);
        expect(await store.findReposts("404", ["2"])).toEqual([]);
        expect(await store.findReposts(reposts[0]!.id, ["2"])).toEqual([]);
      });
    });

    describe("hydrate", () => {
      it("returns live posts without the deleted flag, with like counts", async () => {
        const a = { ...post(id(), "1"), mentions: ["2"], media: ["https://x.test/a"] };
        const b = reply(id(), "2", a);
        await insertAll(a, b);
        await store.like({ userId: "7", postId: a.id, id: id(), at: 1 });
        await store.like({ userId: "8", postId: a.id, id: id(), at: 2 });
        const got = await store.hydrate([b.id, "404", a.id, a.id]);
        expect([...got.keys()].sort()).toEqual([a.id, b.id].sort());
        const { deleted: _a, ...aPost } = a;
        const { deleted: _b, ...bPost } = b;
        expect(got.get(a.id)).toEqual({ post: { ...aPost, likeCount: 2 } });
        expect(got.get(b.id)).toEqual({ post: { ...bPost, likeCount: 0 } });
        expect(got.get(a.id)?.post).not.toHaveProperty("deleted");
        expect((await store.hydrate([])).size).toBe(0);
      });

      it("adds the original to a repost only while the original is live", async () => {
        const original = post(id(), "1");
        const r = repost(id(), "2", original);
        await insertAll(original, r);
        const { deleted: _, ...originalPost } = original;
        expect((await store.hydrate([r.id])).get(r.id)?.original).toEqual({ ...originalPost, likeCount: 0 });
        await store.delete(original.id);
        const afterDelete = await store.hydrate([r.id, original.id]);
        expect(afterDelete.has(original.id)).toBe(false);
        expect(afterDelete.get(r.id)?.post.id).toBe(r.id);
        expect(afterDelete.get(r.id)?.original).toBeUndefined();
        await store.delete(r.id);
        expect((await store.hydrate([r.id])).size).toBe(0);
      });

      it("returns fresh objects that callers cannot use to change the store", async () => {
        const original = { ...post(id(), "1", "keep"), mentions: ["5"] };
        const r = repost(id(), "2", original);
        await insertAll(original, r);
        const first = (await store.hydrate([r.id, original.id])).get(r.id)!;
        first.original!.text = "mutated";
        first.original!.mentions.push("6");
        first.post.likeCount = 99;
        const again = await store.hydrate([r.id, original.id]);
        expect(again.get(r.id)?.original?.text).toBe("keep");
        expect(again.get(original.id)?.post.mentions).toEqual(["5"]);
        expect(again.get(r.id)?.post.likeCount).toBe(0);
      });
    });

    describe("likes", () => {
      it("adds a like once and keeps the first record", async () => {
        const a = post(id(), "1");
        await insertAll(a);
        const like = { userId: "2", postId: a.id, id: id(), at: 10 };
        expect(await store.like(like)).toBe(true);
        expect(await store.like({ ...like, id: id(), at: 20 })).toBe(false);
        expect(await store.getLike("2", a.id)).toEqual(like);
        expect(await store.getLike("3", a.id)).toBeUndefined();
        expect(await store.getLike("2", "404")).toBeUndefined();
        expect((await store.hydrate([a.id])).get(a.id)?.post.likeCount).toBe(1);
      });

      it("removes a like, reports a missing one, and allows liking again", async () => {
        const a = post(id(), "1");
        const b = post(id(), "1");
        await insertAll(a, b);
        await store.like({ userId: "2", postId: a.id, id: id(), at: 1 });
        await store.like({ userId: "3", postId: a.id, id: id(), at: 2 });
        await store.like({ userId: "2", postId: b.id, id: id(), at: 3 });
        expect(await store.unlike("2", a.id)).toBe(true);
        expect(await store.unlike("2", a.id)).toBe(false);
        expect(await store.unlike("9", b.id)).toBe(false);
        expect(await store.getLike("2", a.id)).toBeUndefined();
        expect(await store.getLike("2", b.id)).toBeDefined();
        const counts = await store.hydrate([a.id, b.id]);
        expect([counts.get(a.id)?.post.likeCount, counts.get(b.id)?.post.likeCount]).toEqual([1, 1]);
        const relike = { userId: "2", postId: a.id, id: id(), at: 4 };
        expect(await store.like(relike)).toBe(true);
        expect(await store.getLike("2", a.id)).toEqual(relike);
      });
    });

    insertManyContract(() => store, id);

    describe("countByAuthor", () => {
      it("counts live posts, replies and reposts", async () => {
        const a = post(id(), "1");
        const other = post(id(), "2");
        await insertAll(a, other, reply(id(), "1", other), repost(id(), "1", other));
        expect(await store.countByAuthor("1")).toBe(3);
        expect(await store.countByAuthor("2")).toBe(1);
        expect(await store.countByAuthor("404")).toBe(0);
        await store.delete(a.id);
        expect(await store.countByAuthor("1")).toBe(2);
      });
    });
  });
}
