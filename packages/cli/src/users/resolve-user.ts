import { type FeedEngine, FeedError, isId, type User } from "@feed-engine/core";

/**
 * Finds a user named on the command line: `@handle` (or a bare handle) by handle, a decimal id by id. Throws the
 * engine's `NOT_FOUND` (one line) when there is none.
 */
export async function resolveUser(engine: FeedEngine, name: string): Promise<User> {
  const text: string = name.trim();
  const id: unknown = text;
  if (isId(id)) return engine.getUser(id);
  const handle = text.startsWith("@") ? text.slice(1) : text;
  if (!/^[A-Za-z0-9_]{1,30}$/.test(handle)) {
    throw new FeedError("VALIDATION", `expected a user id or @handle (got ${JSON.stringify(text.slice(0, 40))})`);
  }
  return engine.getUserByHandle(handle);
}

/** `@handle (id)`, how commands name a user in text output. */
export const showUser = (user: { id: string; handle: string }): string => `@${user.handle} (${user.id})`;
