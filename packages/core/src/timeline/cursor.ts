import { FeedError } from "../errors/feed-error.js";
import { type Id, isId } from "../ids/id.js";

/** What a cursor points into; a cursor of one kind is rejected by the others. */
export type CursorKind = "home" | "user" | "notifications" | "followers" | "following";

const PREFIX: Record<CursorKind, string> = {
  home: "h",
  user: "u",
  notifications: "n",
  followers: "f",
  following: "g",
};

/**
 * Encodes a position as an opaque cursor: base64url of `v1:<kind>:<id>`. Callers must not parse it; the format may
 * change between major versions.
 */
export function encodeCursor(kind: CursorKind, id: Id): string {
  return Buffer.from(`v1:${PREFIX[kind]}:${id}`, "utf8").toString("base64url");
}

/** Decodes a cursor of the given kind, or throws `VALIDATION`. `undefined`/`null` means "from the top". */
export function decodeCursor(kind: CursorKind, cursor: unknown): Id | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const invalid = () =>
    new FeedError("VALIDATION", `cursor is not a ${kind} cursor from this engine; pass the nextCursor of a page`, {
      field: "cursor",
    });
  if (typeof cursor !== "string" || cursor.length === 0 || cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid();
  }
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  if (parts.length !== 3 || parts[0] !== "v1" || parts[1] !== PREFIX[kind] || !isId(parts[2])) throw invalid();
  return parts[2];
}
