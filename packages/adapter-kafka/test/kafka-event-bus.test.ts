import { eventBusContract } from "@feed-engine/core/testing";
import { testBus } from "./kafka-test-bus.js";

const capabilities = { drain: true, deadLetters: true, durableGroups: true, abort: true };

eventBusContract("KafkaEventBus", () => testBus(), capabilities);
// Several partitions of one subscription handled at once (each still in order).
eventBusContract("KafkaEventBus (concurrency 3)", () => testBus({ concurrency: 3 }), capabilities);
// Without drain(): the suite polls for what it expects, as a caller in another process would.
eventBusContract("KafkaEventBus (polled)", () => testBus(), { ...capabilities, drain: false });
