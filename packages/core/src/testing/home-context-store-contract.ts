import { beforeEach, describe, expect, it } from "vitest";
import type { GraphStore } from "../ports/graph-store.js";
import type { HomeContextPage, HomeContextStore } from "../ports/home-context-store.js";
import type { PostStore } from "../ports/post-store.js";
import type { UserStore } from "../ports/user-store.js";
import { firstCandidates } from "../timeline/first-candidates.js";
import { ascending, BIG, lcg, newestFirst, post, reply, repost } from "./post-records.js";

/** A {@link HomeContextStore} with the stores whose data it reads, all empty and in their own namespace. */
export interface HomeContextFixture {
  homeContext: HomeContextStore;
  users: UserStore;
  /** The graph store, with `blockedIds` (the oracle for the context's blocks). */
  graph: GraphStore & Required<Pick<GraphStore, "blockedIds">>;
  posts: PostStore;
}

/**
 * The behaviour every {@link HomeContextStore} must have: for any reader and page, the same answers as asking the
 * deployment's user, graph and post stores one by one. Call it from an adapter's test file with a factory that returns
 * a fresh fixture on every call.
 */
export function homeContextStoreContract(
  name: string,
  factory: () => HomeContextFixture | Promise<HomeContextFixture>,
) {
  describe(`${name}: HomeContextStore contract`, () => {
    let f: HomeContextFixture;

    beforeEach(async () => {
      f = await factory();
    });

    const user = (id: string) => ({ id, handle: `u${id}`, displayName: `User ${id}`, createdAt: 1 });
    const postId = (n: number) => String(BIG + BigInt(n));

    /** What the stores say one by one: the oracle. */
    async function separately(readerId: string, page: { before?: string; limit: number }) {
      const followees = await f.graph.followeeIds(readerId);
      const pulled = await f.users.pulledAmong(followees);
      const blocked = await f.graph.blockedIds(readerId);
      const recent = await f.posts.byAuthors([readerId, ...pulled], page);
      return { followees: ascending(followees), pulled: ascending(pulled), blocked: ascending(blocked), recent };
    }

    /** The context with its unordered lists sorted, to compare with the oracle. */
    async function contextOf(readerId: string, page: HomeContextPage) {
      const context = await f.homeContext.homeContext(readerId, page);
      if (context === undefined) return undefined;
      const { followees, pulled, blocked, recent, hydrated } = context;
      const lists = { followees: ascending(followees), pulled: ascending(pulled), blocked: ascending(blocked), recent };
      return hydrated === undefined ? lists : { ...lists, hydrated };
    }

    /** The oracle for a page with the reader's timeline entries: the lists, and the first candidates hydrated. */
    async function separatelyWithTimeline(
      readerId: string,
      page: Required<Pick<HomeContextPage, "timeline">> & HomeContextPage,
    ) {
      const { timeline, ...range } = page;
      const lists = await separately(readerId, range);
      const hydrated = await f.posts.hydrate(firstCandidates(timeline, lists.recent, page.limit));
      return { ...lists, hydrated };
    }

    it("is undefined for a reader who does not exist", async () => {
      expect(await f.homeContext.homeContext("404", { limit: 20 })).toBeUndefined();
    });

    it("gives a reader with nobody followed empty lists and their own posts, newest first", async () => {
      await f.users.create(user("1"));
      await f.posts.insert(post(postId(1), "1"));
      await f.posts.insert(post(postId(2), "1"));
      await f.posts.insert(post(postId(3), "2"));
      expect(await contextOf("1", { limit: 20 })).toEqual({
        followees: [],
        pulled: [],
        blocked: [],
        recent: [postId(2), postId(1)],
      });
    });

    it("lists followees, pulled followees and blocks either way, and only pulled followees' posts", async () => {
      for (const id of ["1", "2", "9", "10", "11", "12"]) await f.users.create(user(id));
      await f.graph.follow("1", "10", 1);
      await f.graph.follow("1", "9", 1);
      await f.graph.follow("1", "2", 1);
      await f.graph.follow("1", "11", 1);
      await f.graph.block("12", "1");
      await f.users.markPulled("10");
      await f.users.markPulled("11");
      await f.users.markPulled("12");
      await f.posts.insert(post(postId(1), "9"));
      await f.posts.insert(post(postId(2), "10"));
      await f.posts.insert(post(postId(3), "11"));
      await f.posts.insert(post(postId(4), "12"));
      await f.posts.insert(post(postId(5), "1"));
      await f.posts.insert(post(postId(6), "11"));
      await f.posts.delete(postId(6));
      expect(await contextOf("1", { limit: 20 })).toEqual({
        followees: ["2", "9", "10", "11"],
        pulled: ["10", "11"],
        blocked: ["12"],
        recent: [postId(5), postId(3), postId(2)],
      });
      expect(await f.homeContext.homeContext("1", { before: postId(5), limit: 1 })).toMatchObject({
        recent: [postId(3)],
      });
    });

    it("hydrates, given timeline entries, the newest of those and of the recent posts above the floor", async () => {
      for (const id of ["1", "2", "3"]) await f.users.create(user(id));
      await f.graph.follow("1", "2", 1);
      await f.graph.follow("1", "3", 1);
      await f.users.markPulled("3");
      await f.posts.insert(post(postId(1), "2"));
      await f.posts.insert(post(postId(2), "3"));
      await f.posts.insert(post(postId(3), "1"));
      await f.posts.insert(post(postId(4), "2"));
      await f.posts.insert({ ...post(postId(5), "2"), repostOf: { postId: postId(2), authorId: "3" } });
      await f.posts.insert(post(postId(6), "3"));
      await f.posts.insert(post(postId(7), "2"));
      await f.posts.delete(postId(7));
      // The timeline holds 2's posts (7 is deleted, 8 was never stored) above floor 1; recent is 6, 3 and 2 (3's and
      // the reader's). The newest four candidates: 8, 7, 6 and 5; 4, 3 and 2 are left for later.
      const page = { limit: 4, timeline: { ids: [postId(8), postId(7), postId(5), postId(4)], floor: postId(1) } };
      const context = await f.homeContext.homeContext("1", page);
      expect(context?.recent).toEqual([postId(6), postId(3), postId(2)]);
      expect([...(context?.hydrated?.keys() ?? [])].sort()).toEqual([postId(5), postId(6)]);
      expect(context?.hydrated?.get(postId(5))).toEqual((await f.posts.hydrate([postId(5)])).get(postId(5)));
      expect(context?.hydrated?.get(postId(5))?.original?.id).toBe(postId(2));
      // Recent posts at or below the floor are not candidates: with floor 3, only 6 of them is.
      const high = await f.homeContext.homeContext("1", { limit: 4, timeline: { ids: [postId(4)], floor: postId(3) } });
      expect([...(high?.hydrated?.keys() ?? [])].sort()).toEqual([postId(4), postId(6)]);
      // Without timeline entries, nothing is hydrated.
      expect((await f.homeContext.homeContext("1", { limit: 4 }))?.hydrated).toBeUndefined();
    });

    it("hydrates a post read again with its like count and liveness of the moment, however it caches", async () => {
      for (const id of ["1", "2", "3"]) await f.users.create(user(id));
      await f.graph.follow("1", "2", 1);
      const original = post(postId(1), "3");
      await f.posts.insert(original);
      await f.posts.insert(repost(postId(2), "2", original));
      await f.posts.insert(reply(postId(3), "2", original));
      await f.posts.insert(post(postId(4), "2"));
      const page = { limit: 5, timeline: { ids: [postId(4), postId(3), postId(2), postId(1)], floor: "0" } };
      const read = async () => {
        const context = await contextOf("1", page);
        expect(context).toEqual(await separatelyWithTimeline("1", page));
        return context !== undefined && "hydrated" in context ? context.hydrated : undefined;
      };
      expect([...((await read())?.keys() ?? [])].sort()).toEqual([postId(1), postId(2), postId(3), postId(4)]);
      await f.posts.like({ userId: "1", postId: postId(1), id: postId(10), at: 2 });
      await f.posts.like({ userId: "2", postId: postId(4), id: postId(11), at: 2 });
      const liked = await read();
      expect(liked?.get(postId(2))?.original?.likeCount).toBe(1);
      expect(liked?.get(postId(4))?.post.likeCount).toBe(1);
      await f.posts.unlike("2", postId(4));
      expect((await read())?.get(postId(4))?.post.likeCount).toBe(0);
      // The original deleted: gone itself, and its repost shows without it.
      await f.posts.delete(postId(1));
      const deleted = await read();
      expect(deleted?.has(postId(1))).toBe(false);
      expect(deleted?.get(postId(2))?.original).toBeUndefined();
      await f.posts.delete(postId(4));
      expect([...((await read())?.keys() ?? [])].sort()).toEqual([postId(2), postId(3)]);
      // What a read hands out is the caller's own: changing it changes no later read.
      const mine = (await read())?.get(postId(3))?.post;
      mine?.mentions.push("2");
      if (mine?.replyTo !== undefined) mine.replyTo.postId = postId(9);
      expect((await read())?.get(postId(3))?.post).toMatchObject({ mentions: [], replyTo: { postId: postId(1) } });
    });

    it("shows an author marked pulled at the very next read, the followee list unchanged, however it caches", async () => {
      for (const id of ["1", "2", "3", "4"]) await f.users.create(user(id));
      await f.graph.follow("1", "2", 1);
      await f.graph.follow("1", "3", 1);
      await f.posts.insert(post(postId(1), "2"));
      await f.posts.insert(post(postId(2), "3"));
      const read = async () => {
        const context = await contextOf("1", { limit: 5 });
        expect(context).toEqual(await separately("1", { limit: 5 }));
        return context === undefined ? undefined : { pulled: context.pulled, recent: context.recent };
      };
      expect(await read()).toEqual({ pulled: [], recent: [] });
      expect(await read()).toEqual({ pulled: [], recent: [] });
      await f.users.markPulled("2");
      expect(await read()).toEqual({ pulled: ["2"], recent: [postId(1)] });
      // Marked again, or another author marked: the same.
      await f.users.markPulled("2");
      await f.users.markPulled("4");
      expect(await read()).toEqual({ pulled: ["2"], recent: [postId(1)] });
      await f.users.markPulled("3");
      expect(await read()).toEqual({ pulled: ["2", "3"], recent: [postId(2), postId(1)] });
    });

    it("shows every follow, unfollow, block and bulk follow at the very next read, however it caches", async () => {
      for (const id of ["1", "2", "3", "4", "5"]) await f.users.create(user(id));
      await f.graph.follow("1", "2", 1);
      await f.graph.follow("1", "3", 1);
      const followeesOf = async () => ascending((await f.homeContext.homeContext("1", { limit: 5 }))?.followees ?? []);
      expect(await followeesOf()).toEqual(["2", "3"]);
      expect(await followeesOf()).toEqual(["2", "3"]);
      await f.graph.unfollow("1", "3");
      expect(await followeesOf()).toEqual(["2"]);
      await f.graph.follow("1", "4", 2);
      expect(await followeesOf()).toEqual(["2", "4"]);
      // Being followed, or a follow that changes nothing, leaves the list as it is.
      await f.graph.follow("5", "1", 3);
      await f.graph.follow("1", "4", 3);
      expect(await followeesOf()).toEqual(["2", "4"]);
      await f.graph.block("4", "1");
      expect(await followeesOf()).toEqual(["2"]);
      if (f.graph.followMany !== undefined) {
        await f.graph.followMany(
          [
            ["1", "3"],
            ["1", "5"],
          ],
          4,
        );
        expect(await followeesOf()).toEqual(["2", "3", "5"]);
      }
      await f.graph.unfollow("1", "2");
      await f.graph.unfollow("1", "3");
      await f.graph.unfollow("1", "5");
      expect(await followeesOf()).toEqual([]);
    });

    it("agrees with the stores asked one by one, through follows, unfollows, blocks, likes, reposts and deletes", async () => {
      const random = lcg(42);
      const pick = (n: number) => String(1 + Math.floor(random() * n));
      for (let id = 1; id <= 30; id++) await f.users.create(user(String(id)));
      let next = 0;
      let likes = 0;
      const anyPost = () => postId(1 + Math.floor(random() * next));
      for (let step = 0; step < 300; step++) {
        const roll = random();
        if (roll < 0.3) await f.graph.follow(pick(30), pick(30), step);
        else if (roll < 0.38) await f.graph.unfollow(pick(30), pick(30));
        else if (roll < 0.42) await f.graph.block(pick(30), pick(30));
        else if (roll < 0.45) await f.users.markPulled(pick(30));
        else if (roll < 0.75 || next === 0) await f.posts.insert(post(postId(++next), pick(30)));
        else if (roll < 0.8) {
          const original = await f.posts.get(anyPost());
          if (original !== undefined && !original.deleted && original.repostOf === undefined) {
            await f.posts.insert(repost(postId(++next), pick(30), original));
          }
        } else if (roll < 0.88)
          await f.posts.like({ userId: pick(30), postId: anyPost(), id: String(++likes), at: step });
        else if (roll < 0.93) await f.posts.unlike(pick(30), anyPost());
        else await f.posts.delete(anyPost());
        if (step % 30 === 29) {
          for (const reader of ["1", "7", pick(30)]) {
            const page = random() < 0.5 ? { limit: 1 + Math.floor(random() * 25) } : { before: postId(next), limit: 5 };
            const context = await contextOf(reader, page);
            const expected = await separately(reader, page);
            expect(context, `reader ${reader} at step ${step}`).toEqual(expected);
            // The same page with timeline entries: ids of any posts, live, deleted or never stored, above a floor.
            const floor = postId(Math.floor(random() * (next + 1)));
            const ids = Array.from({ length: 8 }, () => postId(1 + Math.floor(random() * (next + 3)))).filter(
              (id) => id > floor && (page.before === undefined || id < page.before),
            );
            const withTimeline = { ...page, timeline: { ids: newestFirst([...new Set(ids)]), floor } };
            expect(await contextOf(reader, withTimeline), `reader ${reader} at step ${step}, with a timeline`).toEqual(
              await separatelyWithTimeline(reader, withTimeline),
            );
          }
        }
      }
    });
  });
}
