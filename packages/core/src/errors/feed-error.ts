/**
 * Stable error codes. Callers branch on `code`, never on the message.
 *
 * - `VALIDATION`: the input was malformed (bad handle, empty text, bad cursor, limit out of range, ...).
 * - `NOT_FOUND`: a user or post named in the call does not exist (or was deleted).
 * - `CONFLICT`: the call clashes with existing state (a handle that is taken).
 * - `FORBIDDEN`: the caller may not do this (delete another's post, interact across a block).
 * - `CLOCK_BACKWARDS`: the system clock moved backwards further than the id generator will wait.
 * - `UNAVAILABLE`: a backend could not be reached or failed; the call may be retried.
 */
export type FeedErrorCode = "VALIDATION" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "CLOCK_BACKWARDS" | "UNAVAILABLE";

/** Options for {@link FeedError}. */
export interface FeedErrorOptions {
  /** The input field that was wrong, for `VALIDATION` errors. */
  field?: string;
  /** The underlying error, when one backend error is being mapped. */
  cause?: unknown;
}

/** The one error class feed-engine throws for expected failures. Nothing was changed when it is thrown. */
export class FeedError extends Error {
  override readonly name = "FeedError";
  readonly code: FeedErrorCode;
  readonly field: string | undefined;

  constructor(code: FeedErrorCode, message: string, options: FeedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}

/** True when `error` is a {@link FeedError}, optionally with the given code. */
export function isFeedError(error: unknown, code?: FeedErrorCode): error is FeedError {
  return error instanceof FeedError && (code === undefined || error.code === code);
}
