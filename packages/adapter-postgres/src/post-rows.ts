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

/** The record in `row` under `prefix`, or undefined when that part of the row is empty (an outer join's miss). */
export function toRecord(row: PostRow, prefix = ""): PostRecord | undefined {
  const id = row[`${prefix}id`];
  if (typeof id !== "string") return undefined;
  const escaped = row[`${prefix}nul_escaped`] === true;
  const text = row[`${prefix}text`] as string;
  const media = row[`${prefix}media`] as string[];
  const record: PostRecord = {
    id,
    authorId: row[`${prefix}author_id`] as string,
    text: escaped ? unescapeNul(text) : text,
    createdAt: Number(row[`${prefix}created_at`]),
    mentions: row[`${prefix}mentions`] as string[],
    media: escaped ? media.map(unescapeNul) : media,
    deleted: row[`${prefix}deleted`] as boolean,
  };
  const replyTo = row[`${prefix}reply_to_post_id`];
  if (typeof replyTo === "string") {
    record.replyTo = { postId: replyTo, authorId: row[`${prefix}reply_to_author_id`] as string };
  }
  const repostOf = row[`${prefix}repost_of_post_id`];
  if (typeof repostOf === "string") {
    record.repostOf = { postId: repostOf, authorId: row[`${prefix}repost_of_author_id`] as string };
  }
  return record;
}

/** A live record as a {@link Post}: without `deleted`, with its like count. */
export function toPost(record: PostRecord, likeCount: unknown): Post {
  const { deleted: _deleted, ...rest } = record;
  return { ...rest, likeCount: Number(likeCount ?? 0) };
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

/** Rows of {@link hydrationSelect} as hydrated posts, by id. */
export function toHydrated(rows: readonly PostRow[]): Map<PostId, HydratedPost> {
  const out = new Map<PostId, HydratedPost>();
  for (const row of rows) {
    const hydrated: HydratedPost = { post: toPost(toRecord(row)!, row.like_count) };
    const original = toRecord(row, "o_");
    if (original !== undefined) hydrated.original = toPost(original, row.o_like_count);
    out.set(hydrated.post.id, hydrated);
  }
  return out;
}
