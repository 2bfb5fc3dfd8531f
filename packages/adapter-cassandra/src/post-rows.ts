import type { Post, PostRecord } from "@feed-engine/core";
import type { CassandraRow } from "./client.js";
import {
  cqlBoolean,
  cqlBoundedList,
  cqlId,
  cqlIds,
  cqlMillis,
  cqlText,
  idOf,
  listOf,
  MAX_TEXT_BYTES,
  millisOf,
} from "./values.js";

/** The columns of `posts` in insert order, matching {@link postParams}. */
export const POST_COLUMNS =
  "id, author_id, text, created_at, reply_to_post_id, reply_to_author_id, repost_of_post_id, repost_of_author_id, " +
  "mentions, media, deleted";

/** A post record checked for Cassandra, with its bind values. */
export interface CheckedPost {
  record: PostRecord;
  /** Bind values in the order of {@link POST_COLUMNS}. */
  params: unknown[];
}

function ref(value: { postId: string; authorId: string }, where: string, field: string) {
  return {
    postId: cqlId(value.postId, where, `${field}.postId`),
    authorId: cqlId(value.authorId, where, `${field}.authorId`),
  };
}

/**
 * Checks every field of a post before anything is written and copies it: ids in bigint range, text and media as
 * well-formed UTF-8 within the size limits (NUL and any other character stored verbatim), times as safe integers.
 */
export function checkPost(post: PostRecord, where: string): CheckedPost {
  const id = cqlId(post.id, where, "post.id");
  const authorId = cqlId(post.authorId, where, "post.authorId");
  const text = cqlText(post.text, where, "post.text", MAX_TEXT_BYTES);
  const createdAt = cqlMillis(post.createdAt, where, "post.createdAt");
  const replyTo = post.replyTo === undefined ? undefined : ref(post.replyTo, where, "post.replyTo");
  const repostOf = post.repostOf === undefined ? undefined : ref(post.repostOf, where, "post.repostOf");
  const mentions = cqlIds(cqlBoundedList(post.mentions, where, "post.mentions"), where, "post.mentions");
  const media = cqlBoundedList(post.media, where, "post.media").map((url, i) =>
    cqlText(url, where, `post.media[${i}]`, MAX_TEXT_BYTES),
  );
  const deleted = cqlBoolean(post.deleted, where, "post.deleted");
  const record: PostRecord = { id, authorId, text, createdAt, mentions, media, deleted };
  if (replyTo !== undefined) record.replyTo = replyTo;
  if (repostOf !== undefined) record.repostOf = repostOf;
  const params = [
    id,
    authorId,
    text,
    createdAt,
    replyTo?.postId ?? null,
    replyTo?.authorId ?? null,
    repostOf?.postId ?? null,
    repostOf?.authorId ?? null,
    mentions,
    media,
    deleted,
  ];
  return { record, params };
}

/** A `posts` row (all of {@link POST_COLUMNS}) as a fresh record. */
export function toRecord(row: CassandraRow): PostRecord {
  const record: PostRecord = {
    id: idOf(row.id)!,
    authorId: idOf(row.author_id)!,
    text: (row.text as string | null) ?? "",
    createdAt: millisOf(row.created_at),
    mentions: listOf(row.mentions),
    media: listOf(row.media),
    deleted: row.deleted === true,
  };
  const replyTo = idOf(row.reply_to_post_id);
  if (replyTo !== undefined) record.replyTo = { postId: replyTo, authorId: idOf(row.reply_to_author_id)! };
  const repostOf = idOf(row.repost_of_post_id);
  if (repostOf !== undefined) record.repostOf = { postId: repostOf, authorId: idOf(row.repost_of_author_id)! };
  return record;
}

/** A live record as a {@link Post}: without `deleted`, with its like count; shares no object with `record`. */
export function toPost(record: PostRecord, likeCount: number): Post {
  const { deleted: _deleted, replyTo, repostOf, mentions, media, ...rest } = record;
  const post: Post = { ...rest, mentions: [...mentions], media: [...media], likeCount };
  if (replyTo !== undefined) post.replyTo = { ...replyTo };
  if (repostOf !== undefined) post.repostOf = { ...repostOf };
  return post;
}
