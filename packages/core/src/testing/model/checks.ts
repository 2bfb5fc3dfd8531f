/**
 * Reads a timeline or the notifications page by page and compares them with the oracle: exactly (after draining),
 * or against the safety rules (without draining).
 */
import { expect } from "vitest";
import type { FeedEngine, NotificationGroup, TimelineItem, TimelinePage } from "../../index.js";
import {
  compareIdValues,
  findPost,
  homeTimeline,
  homeVisibleByRules,
  type Id,
  isBlocked,
  type Model,
  notificationGroups,
  type OracleEntry,
  type OracleGroup,
  unreadCount,
  userTimeline,
  userVisibleByRules,
} from "./oracle.js";

/** More pages than any run can produce: a read that goes on longer has a cursor loop. */
const MAX_PAGES = 200;

/** A timeline item in the oracle's terms. */
export function toEntry(item: TimelineItem): OracleEntry {
  const entry: OracleEntry = { id: item.id, contentId: item.post.id, authorId: item.post.authorId };
  if (item.repostedBy !== undefined) entry.repostedBy = item.repostedBy;
  return entry;
}

function toGroup(group: NotificationGroup): Omit<OracleGroup, "seq"> {
  const shown: Omit<OracleGroup, "seq"> = {
    type: group.type,
    actors: group.actors,
    actorCount: group.actorCount,
    latestAt: group.latestAt,
    read: group.read,
  };
  if (group.postId !== undefined) shown.postId = group.postId;
  return shown;
}

type ReadPage = (limit: number, cursor: string | null) => Promise<TimelinePage>;

/** Reads every page (limits taken in turn) and expects each to be the next slice of `expected`. */
export async function expectPagesEqual(read: ReadPage, limits: number[], expected: OracleEntry[], label: string) {
  let cursor: string | null = null;
  let offset = 0;
  for (let page = 0; ; page++) {
    const limit = limits[page % limits.length]!;
    const result = await read(limit, cursor);
    const want = expected.slice(offset, offset + limit);
    expect(result.items.map(toEntry), `${label}: page ${page} (limit ${limit}, offset ${offset})`).toEqual(want);
    offset += want.length;
    const more = offset < expected.length;
    expect(result.nextCursor === null, `${label}: page ${page} nextCursor null iff history ends`).toBe(!more);
    if (!more) return;
    cursor = result.nextCursor;
  }
}

/** The drained home timeline of `reader` read with `limits` equals the oracle's. */
export async function expectHomeExact(engine: FeedEngine, model: Model, reader: Id, limits: number[]) {
  await expectPagesEqual(
    (limit, cursor) => engine.homeTimeline(reader, { limit, cursor }),
    limits,
    homeTimeline(model, reader),
    `home of ${reader}`,
  );
}

/** The user timeline of `author` (as seen by `viewer`) equals the oracle's. */
export async function expectUserExact(
  engine: FeedEngine,
  model: Model,
  author: Id,
  viewer: Id | undefined,
  limits: number[],
) {
  await expectPagesEqual(
    (limit, cursor) =>
      engine.userTimeline(author, { limit, cursor, ...(viewer === undefined ? {} : { viewerId: viewer }) }),
    limits,
    userTimeline(model, author, viewer),
    `user timeline of ${author} seen by ${viewer ?? "nobody"}`,
  );
}

/**
 * The drained notifications of `reader` equal the oracle's grouped list, page by page, with the unread count
 * (`compareRead` false leaves out `read` and the unread count).
 */
export async function expectNotificationsExact(
  engine: FeedEngine,
  model: Model,
  reader: Id,
  limits: number[],
  windowMs: number,
  { compareRead = true }: { compareRead?: boolean } = {},
) {
  const shown = (group: Omit<OracleGroup, "seq">) => (compareRead ? group : { ...group, read: undefined });
  const expected = notificationGroups(model, reader, windowMs).map(({ seq: _seq, ...group }) => shown(group));
  const ids = new Set<string>();
  let cursor: string | null = null;
  let offset = 0;
  let previousLatest: string | undefined;
  for (let page = 0; ; page++) {
    const limit = limits[page % limits.length]!;
    const result = await engine.notifications(reader, { limit, cursor });
    const label = `notifications of ${reader}: page ${page} (limit ${limit}, offset ${offset})`;
    const want = expected.slice(offset, offset + limit);
    expect(
      result.items.map((group) => shown(toGroup(group))),
      label,
    ).toEqual(want);
    if (compareRead) expect(result.unreadCount, `${label}: unreadCount`).toBe(unreadCount(model, reader, windowMs));
    for (const group of result.items) {
      expect(ids.has(group.id), `${label}: group id ${group.id} repeated`).toBe(false);
      ids.add(group.id);
      if (previousLatest !== undefined) expect(compareIdValues(group.latestId, previousLatest), label).toBeLessThan(0);
      previousLatest = group.latestId;
    }
    offset += want.length;
    const more = offset < expected.length;
    expect(result.nextCursor === null, `${label}: nextCursor null iff history ends`).toBe(!more);
    if (!more) return;
    cursor = result.nextCursor;
  }
}

/** Every item is an entry of `visible` with the right content, ids fall, and no content repeats within `seen`. */
export function expectSafeItems(
  model: Model,
  items: TimelineItem[],
  visible: (entryId: Id) => boolean,
  seen: { lastId?: Id; contents: Set<Id> },
  label: string,
) {
  for (const item of items) {
    const entry = findPost(model, item.id);
    expect(entry, `${label}: item ${item.id} is a post`).toBeDefined();
    expect(visible(item.id), `${label}: item ${item.id} is visible under rules 1-3`).toBe(true);
    const contentId = entry!.repostOf?.postId ?? entry!.id;
    expect(toEntry(item), `${label}: item ${item.id} shape`).toEqual({
      id: entry!.id,
      contentId,
      authorId: findPost(model, contentId)!.authorId,
      ...(entry!.repostOf === undefined ? {} : { repostedBy: entry!.authorId }),
    });
    if (seen.lastId !== undefined) {
      expect(
        compareIdValues(item.id, seen.lastId),
        `${label}: ids fall (${item.id} after ${seen.lastId})`,
      ).toBeLessThan(0);
    }
    expect(seen.contents.has(contentId), `${label}: content ${contentId} shown twice`).toBe(false);
    seen.contents.add(contentId);
    seen.lastId = item.id;
  }
}

/** Reads every page of a timeline without draining and checks the safety rules on each. */
export async function expectSafeRead(
  read: ReadPage,
  limits: number[],
  model: Model,
  visible: (entryId: Id) => boolean,
  label: string,
) {
  const seen = { contents: new Set<Id>() } as { lastId?: Id; contents: Set<Id> };
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await read(limits[page % limits.length]!, cursor);
    expect(result.items.length, `${label}: page ${page} size`).toBeLessThanOrEqual(limits[page % limits.length]!);
    expectSafeItems(model, result.items, visible, seen, `${label}: page ${page}`);
    if (result.nextCursor === null) return;
    expect(result.items.length, `${label}: page ${page} with a cursor is not empty`).toBeGreaterThan(0);
    cursor = result.nextCursor;
  }
  throw new Error(`${label}: more than ${MAX_PAGES} pages`);
}

/** Visibility of a home entry for `reader` under rules 1-3, from the model's current state. */
export function homeSafety(model: Model, reader: Id): (entryId: Id) => boolean {
  return (id) => homeVisibleByRules(model, reader, findPost(model, id)!);
}

/** Visibility of a user-timeline entry of `author` for `viewer`, from the model's current state. */
export function userSafety(model: Model, author: Id, viewer: Id | undefined): (entryId: Id) => boolean {
  return (id) => userVisibleByRules(model, author, findPost(model, id)!, viewer);
}

/** Notifications read without draining: ordered, well-formed, nothing from the reader or across a block. */
export async function expectSafeNotifications(engine: FeedEngine, model: Model, reader: Id, limits: number[]) {
  let cursor: string | null = null;
  let previousLatest: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const limit = limits[page % limits.length]!;
    const result = await engine.notifications(reader, { limit, cursor });
    const label = `notifications of ${reader}: page ${page}`;
    expect(result.items.length, label).toBeLessThanOrEqual(limit);
    for (const group of result.items) {
      expect(group.actors.length, label).toBeGreaterThan(0);
      expect(group.actors.length, label).toBeLessThanOrEqual(Math.min(3, group.actorCount));
      expect(new Set(group.actors).size, `${label}: distinct actors`).toBe(group.actors.length);
      for (const actor of group.actors) {
        expect(actor === reader || isBlocked(model, actor, reader), `${label}: actor ${actor} may notify`).toBe(false);
      }
      if (previousLatest !== undefined) expect(compareIdValues(group.latestId, previousLatest), label).toBeLessThan(0);
      previousLatest = group.latestId;
    }
    if (result.nextCursor === null) return;
    cursor = result.nextCursor;
  }
  throw new Error(`notifications of ${reader}: more than ${MAX_PAGES} pages`);
}
