import { InvalidArgumentError } from "commander";

/** A commander option parser for integers within `[min, max]`; accepts `100_000` and `100,000`. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/[_,]/g, ""));
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected an integer from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}.`,
      );
    }
    return n;
  };
}

/** A commander option parser for a share from 0 to 1. */
export function shareOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n <= 1)) throw new InvalidArgumentError("expected a number from 0 to 1.");
  return n;
}
