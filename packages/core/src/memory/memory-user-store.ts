import { FeedError } from "../errors/feed-error.js";
import { isId, type UserId } from "../ids/id.js";
import type { UserRecord, UserStore } from "../ports/user-store.js";

/**
 * Folds ASCII letters only. Valid handles are `[A-Za-z0-9_]`, and ASCII folding is what every backend can match
 * exactly (Lua's `string.lower`, SQL `lower()` under any collation), so the reference adapter does no more than that.
 */
function foldHandle(handle: string): string {
  return handle.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function copyUser(user: UserRecord): UserRecord {
  return { id: user.id, handle: user.handle, displayName: user.displayName, createdAt: user.createdAt };
}

function invalid(field: string, message: string): FeedError {
  return new FeedError("VALIDATION", `MemoryUserStore.createMany: ${field} ${message}`, { field });
}

/** The shape checks every backend agrees on, made before a bulk write so one bad record writes nothing. */
function checkUser(user: UserRecord, field: string): void {
  if (typeof user !== "object" || user === null) throw invalid(field, "must be a user record");
  if (!isId(user.id)) throw invalid(`${field}.id`, "must be a decimal id string from 0 to 2^63-1");
  if (typeof user.handle !== "string") throw invalid(`${field}.handle`, "must be a string");
  if (typeof user.displayName !== "string") throw invalid(`${field}.displayName`, "must be a string");
  if (!Number.isSafeInteger(user.createdAt)) throw invalid(`${field}.createdAt`, "must be an integer (ms)");
}

/**
 * The embedded {@link UserStore}: users in a `Map` by id, a second `Map` from the case-folded handle to the id, and the
 * pulled authors in a `Set`. Records are copied on the way in and out, so callers never share objects with it.
 */
export class MemoryUserStore implements UserStore {
  readonly #byId = new Map<UserId, UserRecord>();
  readonly #idByHandle = new Map<string, UserId>();
  readonly #pulled = new Set<UserId>();

  /** Stores the user unless its id exists or its handle (case-insensitive) is taken; returns whether it did. */
  async create(user: UserRecord): Promise<boolean> {
    return this.#create(user);
  }

  /**
   * Checks every record, then stores them as {@link create} would, in the order given: a user whose id exists or whose
   * handle is taken (by a stored user or an earlier one in `users`) is skipped. Returns how many were stored.
   */
  async createMany(users: readonly UserRecord[]): Promise<number> {
    if (!Array.isArray(users)) throw invalid("users", "must be an array");
    users.forEach((user, i) => {
      checkUser(user, `users[${i}]`);
    });
    let created = 0;
    for (const user of users) if (this.#create(user)) created++;
    return created;
  }

  /** Users by id, in the order asked; `undefined` where there is none. */
  async getMany(ids: readonly UserId[]): Promise<(UserRecord | undefined)[]> {
    return ids.map((id) => this.#get(id));
  }

  /** The user with this handle, compared case-insensitively. */
  async getByHandle(handle: string): Promise<UserRecord | undefined> {
    return this.#getByHandle(handle);
  }

  /** The users with these handles (case-insensitive), in the order asked. */
  async getManyByHandle(handles: readonly string[]): Promise<(UserRecord | undefined)[]> {
    return handles.map((handle) => this.#getByHandle(handle));
  }

  /** Marks the author as pulled, for good. */
  async markPulled(id: UserId): Promise<void> {
    this.#pulled.add(id);
  }

  /** The pulled authors among `ids`, in the order asked, each once. */
  async pulledAmong(ids: readonly UserId[]): Promise<UserId[]> {
    if (this.#pulled.size === 0) return [];
    const found = new Set<UserId>();
    for (const id of ids) if (this.#pulled.has(id)) found.add(id);
    return [...found];
  }

  #create(user: UserRecord): boolean {
    const key = foldHandle(user.handle);
    if (this.#byId.has(user.id) || this.#idByHandle.has(key)) return false;
    this.#byId.set(user.id, copyUser(user));
    this.#idByHandle.set(key, user.id);
    return true;
  }

  #get(id: UserId): UserRecord | undefined {
    const user = this.#byId.get(id);
    return user === undefined ? undefined : copyUser(user);
  }

  #getByHandle(handle: string): UserRecord | undefined {
    const id = this.#idByHandle.get(foldHandle(handle));
    return id === undefined ? undefined : this.#get(id);
  }
}
