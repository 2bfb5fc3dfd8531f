import type { DeadLetter } from "@feed-engine/core";

/**
 * Finds the dead letters a bus recorded since the last look. Buses keep them in an array they append to (the Kafka
 * bus drops the oldest past 1,000), so the new ones are those after the last one seen.
 */
export class DeadLetterWatch {
  readonly #list: () => readonly DeadLetter[];
  #last: DeadLetter | undefined;

  constructor(list: () => readonly DeadLetter[]) {
    this.#list = list;
    this.#last = list().at(-1);
  }

  /** The dead letters recorded since the previous call (or since construction). */
  take(): DeadLetter[] {
    const list = this.#list();
    const last = list.at(-1);
    if (last === this.#last) return [];
    const from = this.#last === undefined ? -1 : list.lastIndexOf(this.#last);
    this.#last = last;
    return list.slice(from + 1);
  }
}
