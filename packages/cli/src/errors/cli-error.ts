/**
 * An expected failure of a command (a bad input file, an impossible option combination). The entry point prints its
 * message as one line and exits 1; anything else is a bug and prints its stack.
 */
export class CliError extends Error {
  override readonly name = "CliError";
}
