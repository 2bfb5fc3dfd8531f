import type { IHeaders, KafkaMessage, Message } from "kafkajs";

/** Header names of a dead-letter message; the value and key are those of the original message, unchanged. */
export const DEAD_LETTER_HEADERS = {
  /** What the last attempt threw (its message, at most 2,000 characters). */
  error: "fe-dlq-error",
  /** How many times the handler was tried (0 when the message could not be decoded). */
  attempts: "fe-dlq-attempts",
  /** The consumer group, as passed to `subscribe` (without the prefix). */
  group: "fe-dlq-group",
  /** Where the original message was: topic, partition and offset. */
  topic: "fe-dlq-topic",
  partition: "fe-dlq-partition",
  offset: "fe-dlq-offset",
  /** When it was dead-lettered (ms since the epoch). */
  at: "fe-dlq-at",
} as const;

/** What a dead-letter message says about the event it carries. */
export interface DeadLetterRecord {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  attempts: number;
  error: string;
  at: number;
  /** The original message's key and value (a `{"v":1,"event":...}` JSON value, or whatever could not be decoded). */
  key: string | null;
  value: string | null;
}

/** Where a failed message came from and why it failed. */
export interface DeadLetterOrigin {
  group: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
  attempts: number;
  error: string;
}

/** The dead-letter message for a message that failed: the same key, value and headers, plus the `fe-dlq-*` headers. */
export function deadLetterMessage(origin: DeadLetterOrigin, now: number): Message {
  const { message } = origin;
  const headers: IHeaders = { ...message.headers };
  headers[DEAD_LETTER_HEADERS.error] = origin.error.slice(0, 2_000);
  headers[DEAD_LETTER_HEADERS.attempts] = String(origin.attempts);
  headers[DEAD_LETTER_HEADERS.group] = origin.group;
  headers[DEAD_LETTER_HEADERS.topic] = origin.topic;
  headers[DEAD_LETTER_HEADERS.partition] = String(origin.partition);
  headers[DEAD_LETTER_HEADERS.offset] = message.offset;
  headers[DEAD_LETTER_HEADERS.at] = String(now);
  return { key: message.key, value: message.value, headers };
}

/** Reads a message of the dead-letter topic (e.g. in a tool that inspects or replays them). */
export function readDeadLetter(message: KafkaMessage): DeadLetterRecord {
  const header = (name: string): string => {
    const value = message.headers?.[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? "" : first.toString();
  };
  return {
    group: header(DEAD_LETTER_HEADERS.group),
    topic: header(DEAD_LETTER_HEADERS.topic),
    partition: Number(header(DEAD_LETTER_HEADERS.partition)),
    offset: header(DEAD_LETTER_HEADERS.offset),
    attempts: Number(header(DEAD_LETTER_HEADERS.attempts)),
    error: header(DEAD_LETTER_HEADERS.error),
    at: Number(header(DEAD_LETTER_HEADERS.at)),
    key: message.key === null ? null : message.key.toString(),
    value: message.value === null ? null : message.value.toString(),
  };
}
