/** One partition's lag, as a bus's `lag()` reports it (the Kafka bus's `PartitionLag`). */
export interface PartitionLagLike {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** A bus that can report its consumer lag. */
export interface LagSource {
  lag(groups?: readonly string[]): Promise<readonly PartitionLagLike[]>;
}

/** The outcome of the latest lag poll. */
export interface LagPoll {
  at: number;
  ok: boolean;
  /** Total lag of the group over every partition (ok polls). */
  total?: number;
  error?: string;
}

/** True when `bus` has a `lag()` method (the Kafka bus; the in-process bus has none). */
export function hasLag(bus: object): bus is LagSource {
  return typeof (bus as Partial<LagSource>).lag === "function";
}

/**
 * Polls a group's lag every `intervalMs` (the first poll at once), one poll at a time, handing each result to
 * `onPoll`. `stop()` waits for a poll in flight.
 */
export class LagPoller {
  readonly #source: LagSource;
  readonly #group: string;
  readonly #intervalMs: number;
  readonly #onPoll: (poll: LagPoll, lags: readonly PartitionLagLike[]) => void;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = false;
  /** The latest poll, once one finished. */
  last: LagPoll | undefined;

  constructor(
    source: LagSource,
    group: string,
    intervalMs: number,
    onPoll: (poll: LagPoll, lags: readonly PartitionLagLike[]) => void,
  ) {
    this.#source = source;
    this.#group = group;
    this.#intervalMs = intervalMs;
    this.#onPoll = onPoll;
  }

  /** Starts polling. */
  start(): void {
    this.#tick();
  }

  /** Polls now (unless a poll is in flight, which it then waits for). */
  poll(): Promise<void> {
    this.#inFlight ??= this.#pollOnce().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Stops polling; resolves once a poll in flight has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #tick(): void {
    if (this.#stopped) return;
    void this.poll().then(() => {
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#intervalMs);
    });
  }

  async #pollOnce(): Promise<void> {
    let lags: readonly PartitionLagLike[] = [];
    let poll: LagPoll;
    try {
      lags = await this.#source.lag([this.#group]);
      poll = { at: Date.now(), ok: true, total: lags.reduce((sum, l) => sum + l.lag, 0) };
    } catch (error) {
      poll = { at: Date.now(), ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    this.last = poll;
    this.#onPoll(poll, lags);
  }
}
