/** Post records and helpers shared by the contract suites. */
import type { PostRecord } from "../domain/types.js";

/** Snowflake-sized ids (19 digits), counted up so tests never depend on an id generator. */
export const BIG = 1_000_000_000_000_000_000n;

/** A plain post by `authorId`. */
export function post(id: string, authorId: string, text = `post ${id}`): PostRecord {
  return { id, authorId, text, createdAt: 1_700_000_000_000, mentions: [], media: [], deleted: false };
}

/** A repost of `original` by `authorId` (empty text). */
export function repost(id: string, authorId: string, original: PostRecord): PostRecord {
  return { ...post(id, authorId, ""), repostOf: { postId: original.id, authorId: original.authorId } };
}

/** A reply to `to` by `authorId`. */
export function reply(id: string, authorId: string, to: PostRecord, text = `reply ${id}`): PostRecord {
  return { ...post(id, authorId, text), replyTo: { postId: to.id, authorId: to.authorId } };
}

/** Ascending by numeric value (the oracle does not use the library's comparison). */
export function ascending(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

/** Newest first, by numeric value (the oracle does not use the library's comparison). */
export function newestFirst(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : BigInt(a) > BigInt(b) ? -1 : 0));
}

/** A fixed-seed generator (no Math.random in tests). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
