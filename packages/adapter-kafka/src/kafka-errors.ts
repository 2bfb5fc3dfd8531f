import { FeedError } from "@feed-engine/core";

/** KafkaJS protocol error types that mean the request itself was wrong, not that Kafka was unavailable. */
const INVALID_REQUEST = new Set([
  "INVALID_TOPIC_EXCEPTION",
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_PARTITIONS",
  "INVALID_REPLICATION_FACTOR",
  "INVALID_CONFIG",
  "INVALID_GROUP_ID",
]);

/** KafkaJS protocol error types that mean the client may not do this. */
const NOT_ALLOWED = new Set([
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
]);

/**
 * Maps anything that failed in Kafka (a KafkaJS error, a timeout, a closed connection) to a {@link FeedError} whose
 * message starts with `kafka: <where>:`. A request Kafka rejected as malformed is `VALIDATION`, one it refused is
 * `FORBIDDEN`, everything else is `UNAVAILABLE` (the call may be retried). A `FeedError` passes through unchanged.
 */
export function toFeedError(failure: unknown, where: string): FeedError {
  if (failure instanceof FeedError) return failure;
  const type = typeOf(failure);
  const message = messageOf(failure);
  if (type !== undefined && INVALID_REQUEST.has(type)) {
    return new FeedError("VALIDATION", `kafka: ${where}: Kafka rejected the request (${message})`, { cause: failure });
  }
  if (type !== undefined && NOT_ALLOWED.has(type)) {
    return new FeedError("FORBIDDEN", `kafka: ${where}: Kafka refused the request (${message}); check the ACLs`, {
      cause: failure,
    });
  }
  return new FeedError("UNAVAILABLE", `kafka: ${where}: Kafka failed (${message}); the call may be retried`, {
    cause: failure,
  });
}

/** The KafkaJS protocol error type (`error.type`), looking through wrapped causes and aggregated errors. */
function typeOf(failure: unknown, depth = 0): string | undefined {
  if (!(failure instanceof Error) || depth > 5) return undefined;
  const { type, errors } = failure as Error & { type?: unknown; errors?: unknown };
  if (typeof type === "string") return type;
  if (Array.isArray(errors) && errors.length > 0) return typeOf(errors[0], depth + 1);
  return typeOf(failure.cause, depth + 1);
}

/** The message of whatever failed. */
export function messageOf(failure: unknown): string {
  try {
    return failure instanceof Error ? failure.message : String(failure);
  } catch {
    return "(a value that cannot be shown)";
  }
}
