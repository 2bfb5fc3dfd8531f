import { copyField } from "./copy.js";
import { pgIdArrayLiteral } from "./values.js";

/** COPY's text-format NULL. */
const NULL = "\\N";

/**
 * An array in PostgreSQL's array text format, every element double-quoted with `"` and `\` backslash-escaped, so
 * commas, braces, spaces, quotes and the word NULL inside an element stay data. The result is one COPY field still to
 * be escaped with {@link copyField} (which doubles the backslashes again for COPY).
 */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

/**
 * One row of `pg_temp.feed_engine_post_import` as a COPY text-format line: `ord`, then the twelve insert parameters
 * of a post as `postParams` returned them (checked, NUL already escaped), in {@link INSERT_COLUMNS} order.
 */
export function postCopyLine(ord: number, params: readonly unknown[]): string {
  const [
    id,
    authorId,
    text,
    createdAt,
    replyPost,
    replyAuthor,
    repostPost,
    repostAuthor,
    mentions,
    media,
    deleted,
    escaped,
  ] = params as [
    string,
    string,
    string,
    number,
    string | null,
    string | null,
    string | null,
    string | null,
    string[],
    string[],
    boolean,
    boolean,
  ];
  const fields = [
    String(ord),
    id,
    authorId,
    copyField(text),
    String(createdAt),
    replyPost ?? NULL,
    replyAuthor ?? NULL,
    repostPost ?? NULL,
    repostAuthor ?? NULL,
    pgIdArrayLiteral(mentions),
    copyField(arrayLiteral(media)),
    deleted ? "t" : "f",
    escaped ? "t" : "f",
  ];
  return `${fields.join("\t")}\n`;
}
