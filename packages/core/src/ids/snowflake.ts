import { type Clock, systemClock } from "../clock/clock.js";
import { FeedError } from "../errors/feed-error.js";
import { assertId, type Id } from "./id.js";

/**
 * The default Snowflake epoch: 2024-01-01T00:00:00Z, in milliseconds since the Unix epoch. 41 bits of milliseconds
 * from here last until 2093-09-06.
 */
export const FEED_EPOCH_MS: number = Date.UTC(2024, 0, 1);

const WORKER_BITS = 10;
const SEQUENCE_BITS = 12;
const MAX_WORKER_ID = (1 << WORKER_BITS) - 1; // 1023
const MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1; // 4095
/** The largest time offset 41 bits hold; 2^41 - 1 is exact in a number. */
const MAX_OFFSET_MS = 2 ** 41 - 1;
const TIME_SHIFT = BigInt(WORKER_BITS + SEQUENCE_BITS);
const WORKER_SHIFT = BigInt(SEQUENCE_BITS);
/** Snowflake ids use 63 bits; the top bit stays 0 so they are also valid signed 64-bit integers. */
const MAX_SNOWFLAKE = (1n << 63n) - 1n;
/** How often one call may wait on the clock before giving up on a clock that does not move. */
const MAX_WAITS = 8;

/** Options for {@link Snowflake}. */
export interface SnowflakeOptions {
  /** 0-1023, unique per process that creates ids at the same time. Default 0. */
  workerId?: number;
  /** Where time comes from. Default {@link systemClock}. */
  clock?: Clock;
  /** Milliseconds since the Unix epoch that timestamp 0 stands for. Default {@link FEED_EPOCH_MS}. */
  epoch?: number;
  /** How far back the clock may step before `next()` throws instead of waiting. Default 1000. */
  maxBackwardsMs?: number;
}

/** The fields of a Snowflake id. */
export interface SnowflakeParts {
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  /** 0-1023. */
  workerId: number;
  /** 0-4095, the id's place within its millisecond. */
  sequence: number;
}

/**
 * Makes Twitter-style Snowflake ids: 41 bits of milliseconds since `epoch`, a 10-bit worker id and a 12-bit
 * sequence. Ids from one generator strictly increase; ids from generators with different worker ids never collide.
 * Two live generators must not share a worker id.
 *
 * @example
 * ```ts
 * const ids = new Snowflake({ workerId: 7 });
 * const postId: string = ids.next();
 * ```
 */
export class Snowflake {
  readonly workerId: number;
  readonly epoch: number;
  readonly maxBackwardsMs: number;
  readonly #clock: Clock;
  readonly #workerBits: bigint;
  /** The millisecond of the last id; -Infinity before the first. */
  #lastMs = Number.NEGATIVE_INFINITY;
  #sequence = 0;
  /** The last id; the next one in the same millisecond is this + 1. */
  #current = 0n;

  constructor(options: SnowflakeOptions = {}) {
    const { workerId = 0, clock = systemClock, epoch = FEED_EPOCH_MS, maxBackwardsMs = 1000 } = options;
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new RangeError(`Snowflake workerId must be an integer 0-${MAX_WORKER_ID} (got ${String(workerId)})`);
    }
    assertEpoch(epoch);
    if (typeof maxBackwardsMs !== "number" || !Number.isFinite(maxBackwardsMs) || maxBackwardsMs < 0) {
      throw new RangeError(`Snowflake maxBackwardsMs must be a finite number >= 0 (got ${String(maxBackwardsMs)})`);
    }
    if (typeof clock?.now !== "function" || typeof clock.waitUntil !== "function") {
      throw new TypeError("Snowflake clock must have now() and waitUntil(ms)");
    }
    this.workerId = workerId;
    this.epoch = epoch;
    this.maxBackwardsMs = maxBackwardsMs;
    this.#clock = clock;
    this.#workerBits = BigInt(workerId) << WORKER_SHIFT;
  }

  /** A new id as a decimal string, greater than every id this generator made before. */
  next(): Id {
    return this.nextBigInt().toString();
  }

  /**
   * A new id as a bigint, greater than every id this generator made before. Throws `CLOCK_BACKWARDS` when the clock
   * stepped back more than `maxBackwardsMs`, and `UNAVAILABLE` when the time is outside the 41-bit range.
   */
  nextBigInt(): bigint {
    const last = this.#lastMs;
    let now = Math.floor(this.#clock.now());
    // State changes only once an id is certain, so a throw leaves the generator as it was.
    for (let waits = 0; ; waits++) {
      if (now > last) return this.#startMillisecond(now);
      if (now === last && this.#sequence < MAX_SEQUENCE) {
        this.#sequence++;
        this.#current += 1n;
        return this.#current;
      }
      if (waits === MAX_WAITS) {
        throw new FeedError(
          "UNAVAILABLE",
          `Clock did not move past ${showTime(last)} after ${MAX_WAITS} waits (it reads ${showTime(now)}); ` +
            "no id was made",
        );
      }
      if (now < last) {
        const back = last - now;
        if (back > this.maxBackwardsMs) {
          throw new FeedError(
            "CLOCK_BACKWARDS",
            `Clock moved backwards by ${back} ms: it reads ${showTime(now)} but the last id used ${showTime(last)}, ` +
              `more than maxBackwardsMs (${this.maxBackwardsMs}). No id was made; fix the host clock (NTP) or ` +
              "raise maxBackwardsMs.",
          );
        }
        this.#clock.waitUntil(last);
      } else if (now === last) {
        // All 4,096 sequence numbers of this millisecond are used: wait for the next one.
        this.#clock.waitUntil(last + 1);
      } else {
        throw new FeedError("UNAVAILABLE", `Clock returned ${String(now)}, not a time; no id was made`);
      }
      now = Math.floor(this.#clock.now());
    }
  }

  #startMillisecond(now: number): bigint {
    const offset = now - this.epoch;
    if (!(offset >= 0 && offset <= MAX_OFFSET_MS)) {
      throw new FeedError("UNAVAILABLE", outOfRangeMessage(now, this.epoch));
    }
    this.#lastMs = now;
    this.#sequence = 0;
    this.#current = (BigInt(offset) << TIME_SHIFT) | this.#workerBits;
    return this.#current;
  }
}

/** The id made of `parts`: the inverse of {@link decodeSnowflake}. Throws `VALIDATION` for a part out of range. */
export function composeSnowflake(parts: SnowflakeParts, epoch: number = FEED_EPOCH_MS): Id {
  assertEpoch(epoch);
  const { timestamp, workerId, sequence } = parts;
  const offset = timestamp - epoch;
  if (!Number.isInteger(timestamp) || !(offset >= 0 && offset <= MAX_OFFSET_MS)) {
    throw new FeedError("VALIDATION", outOfRangeMessage(timestamp, epoch), { field: "timestamp" });
  }
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
    throw new FeedError("VALIDATION", `workerId must be an integer 0-${MAX_WORKER_ID} (got ${workerId})`, {
      field: "workerId",
    });
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) {
    throw new FeedError("VALIDATION", `sequence must be an integer 0-${MAX_SEQUENCE} (got ${sequence})`, {
      field: "sequence",
    });
  }
  return ((BigInt(offset) << TIME_SHIFT) | (BigInt(workerId) << WORKER_SHIFT) | BigInt(sequence)).toString();
}

/**
 * Splits a Snowflake id (decimal string or bigint) into its time, worker id and sequence. Throws `VALIDATION` when
 * `id` is not a canonical id below 2^63.
 */
export function decodeSnowflake(id: Id | bigint, epoch: number = FEED_EPOCH_MS): SnowflakeParts {
  assertEpoch(epoch);
  const value = toSnowflakeBigInt(id);
  return {
    timestamp: Number(value >> TIME_SHIFT) + epoch,
    workerId: Number((value >> WORKER_SHIFT) & BigInt(MAX_WORKER_ID)),
    sequence: Number(value & BigInt(MAX_SEQUENCE)),
  };
}

/** The time (ms since the Unix epoch) a Snowflake id was made. Throws `VALIDATION` for a malformed id. */
export function snowflakeTime(id: Id | bigint, epoch: number = FEED_EPOCH_MS): number {
  assertEpoch(epoch);
  return Number(toSnowflakeBigInt(id) >> TIME_SHIFT) + epoch;
}

/**
 * The smallest id made at millisecond `ms` (worker 0, sequence 0): every id made at `ms` or later is >= it, every id
 * made earlier is below it. Turns a time into an id boundary. Throws `VALIDATION` when `ms` is not an integer in the
 * id's time range.
 */
export function snowflakeAt(ms: number, epoch: number = FEED_EPOCH_MS): Id {
  return composeSnowflake({ timestamp: ms, workerId: 0, sequence: 0 }, epoch);
}

function toSnowflakeBigInt(id: Id | bigint): bigint {
  if (typeof id === "bigint") {
    if (id >= 0n && id <= MAX_SNOWFLAKE) return id;
    throw new FeedError("VALIDATION", `id must be a Snowflake id 0-${MAX_SNOWFLAKE} (got ${id})`, { field: "id" });
  }
  assertId(id, "id");
  const value = BigInt(id);
  if (value > MAX_SNOWFLAKE) {
    throw new FeedError("VALIDATION", `id must be a Snowflake id below 2^63 (got ${id})`, { field: "id" });
  }
  return value;
}

function assertEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new RangeError(`Snowflake epoch must be a non-negative integer of ms since 1970 (got ${String(epoch)})`);
  }
}

function outOfRangeMessage(ms: number, epoch: number): string {
  return (
    `Time ${showTime(ms)} is outside the Snowflake range ${showTime(epoch)} to ${showTime(epoch + MAX_OFFSET_MS)}; ` +
    "check the clock and the epoch option"
  );
}

/** `ms` as "<ms> (<ISO time>)", safe for NaN and times Date cannot show. */
function showTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : `${ms} (${date.toISOString()})`;
}
