import type { HydratedPost, Post, PostId, PostRecord } from "@feed-engine/core";
import { escapeNul, hasNul, unescapeNul } from "./nul.js";
import { MAX_TEXT_BYTES, pgArray, pgBoolean, pgId, pgIds, pgMillis, pgText } from "./values.js";

/** A posts row as the adapter selects it: ids and times as text, so no pool type parser can round them. */
type PostRow = Record<string, unknown>;

const FIELDS = [
  "id::text AS id",
  "author_id::text AS author_id",
  "text",
  "created_at::text AS created_at",
  "reply_to_post_id::text AS reply_to_post_id",
  "reply_to_author_id::text AS reply_to_author_id",
  "repost_of_post_id::text AS repost_of_post_id",
  "repost_of_author_id::text AS repost_of_author_id",
  "mentions::text[] AS mentions",
  "media",
  "deleted",
  "nul_escaped",
];

/** The select list for a posts row under `alias`, each output column prefixed with `prefix` (constant SQL). */
export function postColumns(alias: string, prefix = ""): string {
  return FIELDS.map((field) => {
    const [expression, name = expression] = field.split(" AS ");
    return `${alias}.${expression} AS ${prefix}${name}`;
  }).join(", ");
}

/** The parameters of an insert, checked: `$1`...`$12` in the column order of {@link INSERT_COLUMNS}. */
export function postParams(post: PostRecord, where: string): unknown[] {
  const id = pgId(post.id, where, "post.id");
  const authorId = pgId(post.authorId, where, "post.authorId");
  const text = pgText(post.text, where, "post.text", MAX_TEXT_BYTES, true);
  const createdAt = pgMillis(post.createdAt, where, "post.createdAt");
  const replyTo = post.replyTo === undefined ? undefined : ref(post.replyTo, where, "post.replyTo");
  const repostOf = post.repostOf === undefined ? undefined : ref(post.repostOf, where, "post.repostOf");
  const mentions = pgIds(pgArray(post.mentions, where, "post.mentions"), where, "post.mentions");
  const media = pgArray(post.media, where, "post.media").map((url, i) =>
    pgText(url, where, `post.media[${i}]`, MAX_TEXT_BYTES, true),
  );
  const deleted = pgBoolean(post.deleted, where, "post.deleted");
  const escaped = hasNul(text) || media.some(hasNul);
  return [
    id,
    authorId,
    escaped ? escapeNul(text) : text,
    createdAt,
    replyTo?.postId ?? null,
    replyTo?.authorId ?? null,
    repostOf?.postId ?? null,
    repostOf?.authorId ?? null,
    mentions,
    escaped ? media.map(escapeNul) : media,
    deleted,
    escaped,
  ];
}

/** The insert column list matching {@link postParams}. */
export const INSERT_COLUMNS =
  "id, author_id, text, created_at, reply_to_post_id, reply_to_author_id, repost_of_post_id, repost_of_author_id, " +
  "mentions, media, deleted, nul_escaped";

function ref(value: { postId: string; authorId: string }, where: string, field: string) {
  return {
    postId: pgId(value.postId, where, `${field}.postId`),
    authorId: pgId(value.authorId, where, `${field}.authorId`),
  };
}

/** A post's column names under a prefix, made once: they are looked up for every row of every page. */
function columnsUnder(prefix: string) {
  const c = (name: string) => `${prefix}${name}`;
  return {
    id: c("id"),
    authorId: c("author_id"),
    text: c("text"),
    createdAt: c("created_at"),
    mentions: c("mentions"),
    media: c("media"),
    deleted: c("deleted"),
    escaped: c("nul_escaped"),
    replyToPost: c("reply_to_post_id"),
    replyToAuthor: c("reply_to_author_id"),
    repostOfPost: c("repost_of_post_id"),
    repostOfAuthor: c("repost_of_author_id"),
  };
}
type Columns = ReturnType<typeof columnsUnder>;
const POST = columnsUnder("");
const ORIGINAL = columnsUnder("o_");

/** The fields a record and a post share, or undefined when that part of the row is empty (an outer join's miss). */
function sharedFields(row: PostRow, c: Columns): Omit<PostRecord, "deleted"> | undefined {
  const id = row[c.id];
  if (typeof id !== "string") return undefined;
  const escaped = row[c.escaped] === true;
  const text = row[c.text] as string;
  const media = row[c.media] as string[];
  const fields: Omit<PostRecord, "deleted"> = {
    id,
    authorId: row[c.authorId] as string,
    text: escaped ? unescapeNul(text) : text,
    createdAt: Number(row[c.createdAt]),
    mentions: row[c.mentions] as string[],
    media: escaped ? media.map(unescapeNul) : media,
  };
  const replyTo = row[c.replyToPost];
  if (typeof replyTo === "string") fields.replyTo = { postId: replyTo, authorId: row[c.replyToAuthor] as string };
  const repostOf = row[c.repostOfPost];
  if (typeof repostOf === "string") fields.repostOf = { postId: repostOf, authorId: row[c.repostOfAuthor] as string };
  return fields;
}

/** The post record in `row`, or undefined when the row has none. */
export function toRecord(row: PostRow): PostRecord | undefined {
  const fields = sharedFields(row, POST);
  return fields === undefined ? undefined : Object.assign(fields, { deleted: row[POST.deleted] as boolean });
}

/** The live post in `row` (under the original's prefix when `original`) with its like count, if there is one. */
function toPost(row: PostRow, original: boolean): Post | undefined {
  const fields = sharedFields(row, original ? ORIGINAL : POST);
  if (fields === undefined) return undefined;
  const post = fields as Post; // completed on the next line: a page makes ~40 of these, so no second object
  post.likeCount = Number((original ? row.o_like_count : row.like_count) ?? 0);
  return post;
}

/**
 * The hydration of the live posts whose ids `ids` yields (an SQL expression of a `bigint[]` or a subquery's column),
 * with their live originals and both like counts, one row each: {@link toHydrated} reads them back.
 */
export function hydrationSelect(schema: string, ids: string): string {
  return `SELECT ${postColumns("p")}, coalesce(pl.likes, 0)::text AS like_count,
        ${postColumns("o", "o_")}, coalesce(ol.likes, 0)::text AS o_like_count
      FROM ${schema}.posts p
      LEFT JOIN ${schema}.posts o ON o.id = p.repost_of_post_id AND NOT o.deleted
      LEFT JOIN ${schema}.like_counts pl ON pl.post_id = p.id
      LEFT JOIN ${schema}.like_counts ol ON ol.post_id = o.id
      WHERE p.id ${ids} AND NOT p.deleted`;
}

/**
 * The like counts of the live posts whose ids `ids` yields (as in {@link hydrationSelect}), for a caller that holds
 * their content: one text, `id:likes` per post, with `:likes` of the original appended for a repost (`:-` when the
 * original is deleted), comma-separated. NULL when there are none. {@link parseLikes} reads it back.
 */
export function likesSelect(schema: string, ids: string): string {
  return `SELECT string_agg(p.id::text || ':' || coalesce(pl.likes, 0)::text || CASE
          WHEN p.repost_of_post_id IS NULL THEN '' WHEN o.id IS NULL THEN ':-' ELSE ':' || coalesce(ol.likes, 0)::text
        END, ',')
      FROM ${schema}.posts p
      LEFT JOIN ${schema}.posts o ON o.id = p.repost_of_post_id AND NOT o.deleted
      LEFT JOIN ${schema}.like_counts pl ON pl.post_id = p.id
      LEFT JOIN ${schema}.like_counts ol ON ol.post_id = o.id
      WHERE p.id ${ids} AND NOT p.deleted`;
}

/** One post of {@link likesSelect}: its id and like count, and its original's for a repost whose original lives. */
export interface PostLikes {
  id: PostId;
  likes: number;
  /** Undefined when the post is no repost or its original is deleted. */
  originalLikes: number | undefined;
}

/** The text of {@link likesSelect} as one entry per post. */
export function parseLikes(text: string | null): PostLikes[] {
  if (text === null) return [];
  return text.split(",").map((entry) => {
    const [id, likes, original] = entry.split(":");
    return {
      id: id!,
      likes: Number(likes),
      originalLikes: original === undefined || original === "-" ? undefined : Number(original),
    };
  });
}

/**
 * What of a post never changes once stored: everything but its like count (which moves) and whether it is deleted
 * (which a read checks against the database every time).
 */
export type PostContent = Readonly<Omit<Post, "likeCount">>;

/** A copy of `content` that shares nothing with it: arrays and references are copied too. */
function copyContent(content: PostContent): Omit<Post, "likeCount"> {
  const copy: Omit<Post, "likeCount"> = {
    id: content.id,
    authorId: content.authorId,
    text: content.text,
    createdAt: content.createdAt,
    mentions: [...content.mentions],
    media: [...content.media],
  };
  const { replyTo, repostOf } = content;
  if (replyTo !== undefined) copy.replyTo = { postId: replyTo.postId, authorId: replyTo.authorId };
  if (repostOf !== undefined) copy.repostOf = { postId: repostOf.postId, authorId: repostOf.authorId };
  return copy;
}

/** The content of `post` as a deep-frozen copy, to be shared between reads. */
export function frozenContent(post: PostContent): PostContent {
  const copy = copyContent(post);
  Object.freeze(copy.mentions);
  Object.freeze(copy.media);
  if (copy.replyTo !== undefined) Object.freeze(copy.replyTo);
  if (copy.repostOf !== undefined) Object.freeze(copy.repostOf);
  return Object.freeze(copy);
}

/** A post of its own, from shared content and a like count. */
export function postWith(content: PostContent, likeCount: number): Post {
  const post = copyContent(content) as Post; // completed on the next line, as in toPost
  post.likeCount = likeCount;
  return post;
}

/** Rows of {@link hydrationSelect} as hydrated posts, by id. */
export function toHydrated(rows: readonly PostRow[]): Map<PostId, HydratedPost> {
  const out = new Map<PostId, HydratedPost>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const hydrated: HydratedPost = { post: toPost(row, false)! };
    const original = toPost(row, true);
    if (original !== undefined) hydrated.original = original;
    out.set(hydrated.post.id, hydrated);
  }
  return out;
}
