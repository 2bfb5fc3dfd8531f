/** Milliseconds since the Unix epoch. A port so tests can drive time. */
export interface Clock {
  /** The current time in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Blocks until `now() >= ms`. Used by the id generator when it runs out of sequence numbers or the clock went
   * backwards. A manual clock jumps forward instead of waiting.
   */
  waitUntil(ms: number): void;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  waitUntil(ms: number) {
    // A busy wait: the generator only waits for the rest of the current millisecond (or a bounded backwards step).
    while (Date.now() < ms) {
      /* spin */
    }
  },
};

/** A clock that moves only when told to; for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  waitUntil(ms: number): void {
    if (ms > this.#now) this.#now = ms;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError("ManualClock only moves forward");
    this.#now += ms;
  }

  /** Sets the clock, forwards or (to test backwards steps) backwards. */
  set(ms: number): void {
    this.#now = ms;
  }
}
