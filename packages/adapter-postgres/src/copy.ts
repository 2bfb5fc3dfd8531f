import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import type { PgPoolClient } from "./pool.js";

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
/** Lines are sent in chunks of about this many UTF-16 units, so a million rows are a few hundred writes. */
const CHUNK = 1 << 16;

/**
 * Escapes one field for COPY's text format: backslash, newline, carriage return and tab are the characters that would
 * otherwise end a field or a row. (NUL is refused before anything reaches COPY: PostgreSQL text cannot hold it.)
 */
export function copyField(value: string): string {
  return value.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!);
}

function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk = "";
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/**
 * Streams rows into `COPY <target> FROM STDIN` (text format) on `client`. Each line is one row: fields escaped with
 * {@link copyField}, joined by tabs, ending in `\n`. `statement` is the COPY statement, built from quoted identifiers
 * only; the data never becomes SQL.
 */
export async function copyLines(client: PgPoolClient, statement: string, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunked(lines)), client.query(copyFrom(statement)));
}
