import type { logCreator } from "kafkajs";

/**
 * The KafkaJS log creator of clients the bus makes: each entry at the client's log level (ERROR unless set) goes to
 * stderr as one JSON line, except KafkaJS's `Response ...` entries. Those report every error response of the broker,
 * including the routine ones KafkaJS handles itself (a rebalance in progress, a leader not elected yet); failures
 * that matter reach the caller as rejected calls or through `drain()`.
 */
export const quietLogCreator: logCreator =
  () =>
  ({ namespace, label, log }) => {
    if (log.message.startsWith("Response ")) return;
    const { message, ...extra } = log;
    console.error(JSON.stringify({ level: label, logger: `kafkajs ${namespace}`, message, ...extra }));
  };
