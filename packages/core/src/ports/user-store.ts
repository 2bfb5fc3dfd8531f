import type { UserId } from "../ids/id.js";

/** A user as stored (counters live with the graph and post stores). */
export interface UserRecord {
  id: UserId;
  handle: string;
  displayName: string;
  createdAt: number;
}

/** Accounts, looked up by id or by handle without regard to case. */
export interface UserStore {
  /**
   * Stores a new user. Returns `false`, and changes nothing, when the id exists or the handle is taken by another
   * user (compared case-insensitively).
   */
  create(user: UserRecord): Promise<boolean>;
  /**
   * Stores many new users at once, for seeding: the same as calling {@link create} for each user in the order given,
   * skipping every user `create` would refuse — an id that exists, or a handle taken (in any case) by a stored user or
   * an earlier one in the call. Every record is checked before anything is written: one malformed record (or one the
   * backend cannot store) throws `VALIDATION` and writes nothing. Returns how many users were stored. Optional: callers
   * fall back to {@link create}.
   */
  createMany?(users: readonly UserRecord[]): Promise<number>;
  /** Users by id, in the order asked; `undefined` where there is none. */
  getMany(ids: readonly UserId[]): Promise<(UserRecord | undefined)[]>;
  /** The user with this handle, compared case-insensitively. */
  getByHandle(handle: string): Promise<UserRecord | undefined>;
  /** The users with these handles (case-insensitive), in the order asked. */
  getManyByHandle(handles: readonly string[]): Promise<(UserRecord | undefined)[]>;
  /**
   * Records that some of this author's posts were not pushed and must be pulled at read time. Sticky: an author
   * once pulled is pulled on every read from then on, so no post of theirs is ever unreachable.
   */
  markPulled(id: UserId): Promise<void>;
  /** Which of `ids` are pulled authors (see {@link markPulled}). */
  pulledAmong(ids: readonly UserId[]): Promise<UserId[]>;
}
