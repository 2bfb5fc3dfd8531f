import type { UserId } from "../ids/id.js";

/** When each user was last seen, so fan-out can skip followers who are away. */
export interface ActivityStore {
  /** Records that the user was seen at `at` (ms); keeps the latest. */
  touch(userId: UserId, at: number): Promise<void>;
  /** Sets many users' last-seen times at once; for seeding. */
  touchMany?(entries: ReadonlyArray<readonly [UserId, number]>): Promise<void>;
  /** Last-seen times in the order asked; `undefined` for users never seen. */
  lastSeen(userIds: readonly UserId[]): Promise<(number | undefined)[]>;
}
