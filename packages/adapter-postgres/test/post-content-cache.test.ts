import { describe, expect, it } from "vitest";
import { PostContentCache } from "../src/post-content-cache.js";

const content = (id: string) => ({ id, authorId: "1", text: `post ${id}`, createdAt: 1, mentions: [], media: [] });

describe("PostContentCache", () => {
  it("holds at most its bound, keeping what is read and dropping what is not", () => {
    const cache = new PostContentCache(4);
    for (const id of ["1", "2", "3", "4"]) cache.set(content(id));
    // Two generations of two: 1 and 2 are the old one, 3 and 4 the young one.
    expect(cache.stats.size).toBe(4);
    expect(cache.get("1")?.text).toBe("post 1"); // moves to a new young generation; 3 and 4 become the old one
    cache.set(content("5"));
    expect(cache.stats.size).toBe(4);
    expect(cache.get("2")).toBeUndefined(); // dropped with the old generation it was left in
    expect(cache.get("3")?.id).toBe("3");
    for (let i = 6; i < 100; i++) cache.set(content(String(i)));
    expect(cache.stats.size).toBeLessThanOrEqual(4);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1 });
  });

  it("keeps a deep-frozen copy, so neither the caller's object nor a reader can change what others see", () => {
    const cache = new PostContentCache(10);
    const mine = { ...content("1"), mentions: ["2"], replyTo: { postId: "9", authorId: "2" } };
    cache.set(mine);
    mine.mentions.push("3");
    mine.replyTo.postId = "8";
    const held = cache.get("1")!;
    expect(held).toEqual({ ...content("1"), mentions: ["2"], replyTo: { postId: "9", authorId: "2" } });
    expect(Object.isFrozen(held) && Object.isFrozen(held.mentions) && Object.isFrozen(held.replyTo)).toBe(true);
    // Held already: a second set keeps the first copy.
    cache.set({ ...content("1"), text: "other" });
    expect(cache.get("1")?.text).toBe("post 1");
  });
});
