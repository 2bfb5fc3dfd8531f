import { InvalidArgumentError } from "commander";
import { parseMix, type WorkloadMix } from "./workload-mix.js";

/** The highest rate a load test offers, in operations per second. */
export const MAX_RATE = 1_000_000;

/** Parses a rate in operations per second: a number > 0 (decimals allowed, `1_000` and `1,000` too). */
export function rateOption(value: string): number {
  const n = Number(value.replace(/[_,]/g, ""));
  if (value.trim() === "" || !(n > 0 && n <= MAX_RATE)) {
    throw new InvalidArgumentError(
      `expected operations per second, a number above 0 and at most ${MAX_RATE.toLocaleString("en-US")}.`,
    );
  }
  return n;
}

/** Parses `FROM:TO`, two rates of which the first may be 0. */
export function rampOption(value: string): { from: number; to: number } {
  const match = /^\s*([\d_,.]+)\s*:\s*([\d_,.]+)\s*$/.exec(value);
  const [from, to] = match ? [Number(match[1]!.replace(/[_,]/g, "")), Number(match[2]!.replace(/[_,]/g, ""))] : [];
  if (
    from === undefined ||
    to === undefined ||
    !(from >= 0 && from <= MAX_RATE && to >= 0 && to <= MAX_RATE) ||
    from + to === 0
  ) {
    throw new InvalidArgumentError("expected FROM:TO in operations per second, e.g. 100:2000 (FROM may be 0).");
  }
  return { from, to };
}

/** Parses a number of seconds: `min` or more, decimals allowed. */
export function secondsOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !(n >= min && n <= max)) {
      throw new InvalidArgumentError(`expected seconds from ${min} to ${max.toLocaleString("en-US")}.`);
    }
    return n;
  };
}

/** Parses the Zipf exponent of the choice of users: 0 (uniform) to 5. */
export function skewOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n <= 5)) throw new InvalidArgumentError("expected a number from 0 to 5.");
  return n;
}

/** Parses `--mix`, as commander wants it. */
export function mixOption(value: string): WorkloadMix {
  try {
    return parseMix(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
}
