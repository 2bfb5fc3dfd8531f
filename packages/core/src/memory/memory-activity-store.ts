import type { UserId } from "../ids/id.js";
import type { ActivityStore } from "../ports/activity-store.js";

/** Last-seen times in process memory: the embedded default and the reference for the other adapters. */
export class MemoryActivityStore implements ActivityStore {
  readonly #lastSeen = new Map<UserId, number>();

  /** Records that the user was seen at `at` (ms); an earlier time than the one stored changes nothing. */
  async touch(userId: UserId, at: number): Promise<void> {
    this.#raise(userId, at);
  }

  /** Records many sightings at once, each as {@link MemoryActivityStore.touch} would (the latest time is kept). */
  async touchMany(entries: ReadonlyArray<readonly [UserId, number]>): Promise<void> {
    for (const [userId, at] of entries) this.#raise(userId, at);
  }

  /** Last-seen times in the order asked; `undefined` for users never seen. */
  async lastSeen(userIds: readonly UserId[]): Promise<(number | undefined)[]> {
    return userIds.map((userId) => this.#lastSeen.get(userId));
  }

  #raise(userId: UserId, at: number): void {
    const seen = this.#lastSeen.get(userId);
    if (seen === undefined || at > seen) this.#lastSeen.set(userId, at);
  }
}
