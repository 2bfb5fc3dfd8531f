import type { UserId } from "../ids/id.js";
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
    const key = foldHandle(user.handle);
    if (this.#byId.has(user.id) || this.#idByHandle.has(key)) return false;
    this.#byId.set(user.id, copyUser(user));
    this.#idByHandle.set(key, user.id);
    return true;
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

  #get(id: UserId): UserRecord | undefined {
    const user = this.#byId.get(id);
    return user === undefined ? undefined : copyUser(user);
  }

  #getByHandle(handle: string): UserRecord | undefined {
    const id = this.#idByHandle.get(foldHandle(handle));
    return id === undefined ? undefined : this.#get(id);
  }
}
