import { compareIds, type PostId } from "../ids/id.js";

/**
 * The first candidates of a home page: the newest `limit` distinct ids among the reader's timeline entries and the
 * `recent` posts (the reader's own and the pulled authors') above the timeline's floor. Everything else a page can
 * show lies below these, so they are the page's first batch, and what a `HomeContextStore` hydrates with the context.
 */
export function firstCandidates(
  timeline: { ids: readonly PostId[]; floor: PostId },
  recent: readonly PostId[],
  limit: number,
): PostId[] {
  const ids = new Set(timeline.ids);
  for (const id of recent) if (compareIds(id, timeline.floor) > 0) ids.add(id);
  return [...ids].sort((a, b) => compareIds(b, a)).slice(0, limit);
}
