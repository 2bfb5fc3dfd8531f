import { FeedError, type FeedErrorCode } from "@feed-engine/core";

/** The fields of a PostgreSQL error (node-postgres `DatabaseError`) that the mapping reads. */
interface DatabaseErrorLike {
  code: string;
  message: string;
  severity?: string;
  constraint?: string;
  schema?: string;
  table?: string;
}

/** The fields of a Node socket error (`ECONNREFUSED`, ...) that the mapping reads. */
interface SystemErrorLike {
  code: string;
  message: string;
  address?: string;
  port?: number;
  hostname?: string;
  errors?: unknown[];
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
]);
/** node-postgres raises these without a code when a connection dies or cannot be opened. */
const DRIVER_CONNECTION_MESSAGE =
  /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|cannot use a pool after calling end|client was closed/i;

const RETRY = "the call may be retried";
const CHECK_SERVER =
  "check that PostgreSQL is running and that the pool's host, port and database are right (tests: FEED_ENGINE_TEST_POSTGRES_URL)";

function isDatabaseError(error: unknown): error is DatabaseErrorLike & Error {
  if (!(error instanceof Error) || !("severity" in error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && SQLSTATE.test(code);
}

function isSystemError(error: unknown): error is SystemErrorLike & Error {
  return error instanceof Error && SOCKET_CODES.has((error as { code?: unknown }).code as string);
}

/** "host:port" of a socket error, looking inside the AggregateError Node raises when it tried IPv4 and IPv6. */
function addressOf(error: SystemErrorLike): string {
  const candidates = [error, ...(error.errors ?? [])] as SystemErrorLike[];
  for (const candidate of candidates) {
    if (candidate.address !== undefined) {
      return candidate.port === undefined ? candidate.address : `${candidate.address}:${candidate.port}`;
    }
    if (candidate.hostname !== undefined) return candidate.hostname;
  }
  return "the configured server";
}

function feedError(code: FeedErrorCode, where: string, message: string, cause: unknown): FeedError {
  return new FeedError(code, `${where}: ${message}`, { cause });
}

/** Maps a PostgreSQL error by its SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
function fromSqlState(error: DatabaseErrorLike & Error, where: string): FeedError {
  const { code } = error;
  const said = `${error.message} (SQLSTATE ${code})`;
  if (code === "23505") {
    const what = error.constraint === undefined ? "" : ` on ${error.constraint}`;
    return feedError("CONFLICT", where, `a row with this key already exists${what}: ${said}`, error);
  }
  if (code.startsWith("22") || code === "23502" || code === "23514" || code === "54000") {
    return feedError("VALIDATION", where, `PostgreSQL refused a value: ${said}`, error);
  }
  if (code.startsWith("08")) {
    return feedError("UNAVAILABLE", where, `the connection to PostgreSQL failed: ${said}; ${CHECK_SERVER}`, error);
  }
  if (code === "57P01" || code === "57P02" || code === "57P03") {
    return feedError("UNAVAILABLE", where, `PostgreSQL is shutting down or starting up: ${said}; ${RETRY}`, error);
  }
  if (code.startsWith("53")) {
    const hint = "lower the pool's max or raise the server's max_connections";
    return feedError("UNAVAILABLE", where, `PostgreSQL is out of resources: ${said}; ${hint}`, error);
  }
  if (code === "40001" || code === "40P01" || code === "55P03" || code === "57014") {
    return feedError("UNAVAILABLE", where, `PostgreSQL aborted the statement: ${said}; ${RETRY}`, error);
  }
  if (code === "28000" || code === "28P01") {
    const hint = "check the user and password in the connection settings";
    return feedError("UNAVAILABLE", where, `PostgreSQL refused the login: ${said}; ${hint}`, error);
  }
  if (code === "3D000") {
    return feedError("UNAVAILABLE", where, `the database does not exist: ${said}; ${CHECK_SERVER}`, error);
  }
  if (code === "42P01" || code === "3F000" || code === "42703") {
    const hint = 'run migrate({ pool, schema }) from "@feed-engine/adapter-postgres" for this schema first';
    return feedError("UNAVAILABLE", where, `the schema is missing or not migrated: ${said}; ${hint}`, error);
  }
  return feedError("UNAVAILABLE", where, `PostgreSQL failed: ${said}`, error);
}

/**
 * Maps what a node-postgres call threw to a {@link FeedError} whose message starts with `where` (e.g.
 * `"PostgresGraphStore.follow"`): unique violations (23505) become `CONFLICT`; data exceptions (class 22, such as
 * 22P02 and 22003), not-null and check violations and oversize index rows become `VALIDATION`; connection failures,
 * shutdowns, exhausted resources, serialization failures, deadlocks and a missing schema become `UNAVAILABLE` with a
 * message saying what to try. A `FeedError` is returned as it is. Anything else (a bug, not a backend failure) is
 * returned unchanged, so it is never disguised as a retryable outage.
 */
export function mapPgError(error: unknown, where: string): Error {
  if (error instanceof FeedError) return error;
  if (isDatabaseError(error)) return fromSqlState(error, where);
  if (isSystemError(error)) {
    const message = `cannot reach PostgreSQL at ${addressOf(error)} (${error.code}); ${CHECK_SERVER}; ${RETRY}`;
    return feedError("UNAVAILABLE", where, message, error);
  }
  if (error instanceof Error && DRIVER_CONNECTION_MESSAGE.test(error.message)) {
    const message = `lost the connection to PostgreSQL (${error.message}); ${CHECK_SERVER}; ${RETRY}`;
    return feedError("UNAVAILABLE", where, message, error);
  }
  return error instanceof Error ? error : new Error(`${where}: ${String(error)}`, { cause: error });
}

/** Runs `work`, passing `FeedError`s through and mapping everything it throws with {@link mapPgError}. */
export async function guard<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapPgError(error, where);
  }
}
