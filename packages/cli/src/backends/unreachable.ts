import { CliError } from "../errors/cli-error.js";

/** Socket error codes, in words. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "no answer in time",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name does not resolve (DNS lookup failed)",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

/** The socket error code of `error`, looking inside the AggregateError Node raises after trying IPv4 and IPv6. */
export function socketCode(error: unknown): string | undefined {
  const candidates = [error, ...((error as { errors?: unknown[] })?.errors ?? [])];
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown })?.code;
    if (typeof code === "string" && code in REASONS) return code;
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    Object.keys(REASONS).find((code) => message.includes(code)) ??
    (/timeout|timed out/i.test(message) ? "ETIMEDOUT" : undefined)
  );
}

/**
 * The one-line error for a server that cannot be reached: which server, at which address, configured where, why, and
 * what to try. The original error is kept as the cause (shown with `--verbose`).
 */
export function unreachable(server: string, address: string, from: string, error: unknown): CliError {
  const code = socketCode(error);
  const message = error instanceof Error ? error.message : String(error);
  // ioredis's Cluster hides its nodes' socket errors behind this one.
  const why =
    code !== undefined
      ? `${REASONS[code]} (${code})`
      : /None of startup nodes is available/.test(message)
        ? "none of the nodes answered"
        : message;
  const hint =
    code === "ENOTFOUND" || code === "EAI_AGAIN"
      ? `fix the host name in ${from}`
      : `check that ${server} is running and listening there, or fix the address in ${from}`;
  return new CliError(`cannot reach ${server} at ${address} (${from}): ${why}; ${hint}`, { cause: error });
}
