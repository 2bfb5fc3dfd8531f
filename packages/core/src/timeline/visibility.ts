import type { Post, TimelineItem } from "../domain/types.js";
import { compareIds, type PostId, type UserId } from "../ids/id.js";
import type { HydratedPost, PostStore } from "../ports/post-store.js";

/** Whose posts a timeline is made of, and what else decides whether an entry shows. */
export interface VisibilityContext {
  /** Authors whose posts are entries: the reader and the accounts the reader follows (home), or one author. */
  sources: ReadonlySet<UserId>;
  /** Apply the reply rule: a reply shows only when its replied-to author is a source. */
  replyRule: boolean;
  /** Whether a block stands between the viewer and this user (either way). */
  blocked: (userId: UserId) => boolean;
}

/** Rules 1-3 of docs/definitions.md for a post as its own entry (not as a repost). */
function ownEntryVisible(post: Post, ctx: VisibilityContext): boolean {
  if (!ctx.sources.has(post.authorId) || ctx.blocked(post.authorId)) return false;
  if (post.repostOf) return false;
  return !(ctx.replyRule && post.replyTo && !ctx.sources.has(post.replyTo.authorId));
}

/**
 * Turns hydrated candidate entries (newest first) into timeline items by the definition: rules 1-3, then "the oldest
 * entry with the same content wins". The last rule may look past the page: a repost is hidden when its original is
 * itself an entry, or when someone among the sources reposted it earlier.
 */
export async function visibleItems(
  ids: readonly PostId[],
  hydrated: ReadonlyMap<PostId, HydratedPost>,
  ctx: VisibilityContext,
  posts: PostStore,
  sourceList: readonly UserId[],
): Promise<TimelineItem[]> {
  const candidates: Array<{ id: PostId; entry: Post; content: Post } | null> = ids.map((id) => {
    const h = hydrated.get(id);
    if (!h) return null;
    const { post, original } = h;
    if (!post.repostOf) return ownEntryVisible(post, ctx) ? { id, entry: post, content: post } : null;
    if (!ctx.sources.has(post.authorId) || ctx.blocked(post.authorId)) return null;
    if (!original || ctx.blocked(original.authorId)) return null;
    return { id, entry: post, content: original };
  });
  // Only reposts whose original is not itself an entry need a look past the page; all of those go out at once.
  const checks: Array<Promise<void>> = [];
  candidates.forEach((c, i) => {
    if (c === null || c.entry === c.content) return;
    if (ownEntryVisible(c.content, ctx)) {
      candidates[i] = null;
      return;
    }
    const check = posts.findReposts(c.content.id, sourceList).then((reposts) => {
      if (reposts.some((r) => compareIds(r, c.id) < 0)) candidates[i] = null;
    });
    checks.push(check);
  });
  if (checks.length > 0) await Promise.all(checks);
  const items: TimelineItem[] = [];
  for (const c of candidates) {
    if (c === null) continue;
    items.push(
      c.entry === c.content
        ? { id: c.id, post: c.content }
        : { id: c.id, post: c.content, repostedBy: c.entry.authorId },
    );
  }
  return items;
}

/** Every author an entry involves (the entry's, its original's), for one batched block check. */
export function involvedAuthors(hydrated: ReadonlyMap<PostId, HydratedPost>): UserId[] {
  const authors = new Set<UserId>();
  for (const { post, original } of hydrated.values()) {
    authors.add(post.authorId);
    if (original) authors.add(original.authorId);
  }
  return [...authors];
}
