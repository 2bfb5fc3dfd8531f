import { FeedError, type FeedErrorCode } from "@feed-engine/core";

/** The fields of a cassandra-driver error the mapping reads (matched by shape, so any copy of the driver works). */
interface DriverErrorLike {
  name: string;
  message: string;
  code?: unknown;
  innerErrors?: Record<string, unknown>;
  host?: string;
}

/** cassandra-driver's `types.responseErrorCodes`: what the server said went wrong. */
const CODES = {
  serverError: 0x0000,
  protocolError: 0x000a,
  badCredentials: 0x0100,
  unavailable: 0x1000,
  overloaded: 0x1001,
  isBootstrapping: 0x1002,
  truncateError: 0x1003,
  writeTimeout: 0x1100,
  readTimeout: 0x1200,
  readFailure: 0x1300,
  functionFailure: 0x1400,
  writeFailure: 0x1500,
  syntaxError: 0x2000,
  unauthorized: 0x2100,
  invalid: 0x2200,
  configError: 0x2300,
  alreadyExists: 0x2400,
  unprepared: 0x2500,
} as const;

const RETRY = "the call may be retried";
const CHECK_SERVER =
  "check that Cassandra is running and that the client's contactPoints and localDataCenter are right (tests: FEED_ENGINE_TEST_CASSANDRA)";
const MIGRATE = 'run migrate({ client, keyspace }) from "@feed-engine/adapter-cassandra" for this keyspace first';
/** The server's words for a keyspace, table or column that is not there. */
const MISSING_SCHEMA = /keyspace .* does not exist|unconfigured table|undefined column name|unknown identifier/i;

const CONNECTION_ERRORS = new Set(["NoHostAvailableError", "OperationTimedOutError", "BusyConnectionError"]);

function isDriverError(error: unknown): error is DriverErrorLike & Error {
  return error instanceof Error && "info" in error && typeof (error as { info?: unknown }).info === "string";
}

function feedError(code: FeedErrorCode, where: string, message: string, cause: unknown): FeedError {
  return new FeedError(code, `cassandra: ${where}: ${message}`, { cause });
}

/** Maps an error the server sent back (a driver `ResponseError`) by its protocol error code. */
function fromResponse(error: DriverErrorLike & Error, code: number, where: string): Error {
  const said = `${error.message} (code 0x${code.toString(16).padStart(4, "0")})`;
  switch (code) {
    case CODES.unavailable:
    case CODES.overloaded:
    case CODES.isBootstrapping:
    case CODES.readTimeout:
    case CODES.readFailure:
    case CODES.truncateError:
    case CODES.serverError:
      return feedError("UNAVAILABLE", where, `Cassandra could not serve the request: ${said}; ${RETRY}`, error);
    case CODES.writeTimeout:
    case CODES.writeFailure:
      return feedError(
        "UNAVAILABLE",
        where,
        `Cassandra did not confirm the write: ${said}; it may or may not have been applied; ${RETRY}`,
        error,
      );
    case CODES.badCredentials:
    case CODES.unauthorized:
      return feedError(
        "UNAVAILABLE",
        where,
        `Cassandra refused the login or the permission: ${said}; check the client's credentials and grants`,
        error,
      );
    case CODES.invalid:
    case CODES.configError:
      if (MISSING_SCHEMA.test(error.message)) {
        return feedError("UNAVAILABLE", where, `the keyspace is missing or not migrated: ${said}; ${MIGRATE}`, error);
      }
      return feedError("VALIDATION", where, `Cassandra refused a value: ${said}`, error);
    default:
      // Syntax errors, protocol errors and the like are bugs, not outages: never disguise them as retryable.
      return error;
  }
}

/**
 * Maps what a cassandra-driver call threw to a {@link FeedError} whose message starts with `cassandra: ` and `where`
 * (e.g. `"CassandraPostStore.insert"`): no reachable host, a client-side timeout or busy connections, and the server's
 * unavailable, overloaded, bootstrapping, timeout and failure responses become `UNAVAILABLE` (a write timeout says the
 * write may have happened); a missing keyspace or table becomes `UNAVAILABLE` with a hint to run `migrate`; other
 * invalid requests become `VALIDATION`. A `FeedError` is returned as it is. Anything else (a bug, such as a CQL syntax
 * error) is returned unchanged, so it is never disguised as a retryable outage.
 */
export function mapCassandraError(error: unknown, where: string): Error {
  if (error instanceof FeedError) return error;
  if (isDriverError(error)) {
    if (CONNECTION_ERRORS.has(error.name)) {
      const hosts = error.innerErrors === undefined ? "" : ` (tried ${Object.keys(error.innerErrors).join(", ")})`;
      return feedError(
        "UNAVAILABLE",
        where,
        `cannot reach Cassandra${hosts}: ${error.message}; ${CHECK_SERVER}; ${RETRY}`,
        error,
      );
    }
    if (error.name === "AuthenticationError") {
      return feedError("UNAVAILABLE", where, `Cassandra refused the login: ${error.message}`, error);
    }
    if (error.name === "ResponseError" && typeof error.code === "number") return fromResponse(error, error.code, where);
  }
  return error instanceof Error ? error : new Error(`cassandra: ${where}: ${String(error)}`, { cause: error });
}

/** Runs `work`, passing `FeedError`s through and mapping everything it throws with {@link mapCassandraError}. */
export async function guard<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapCassandraError(error, where);
  }
}
