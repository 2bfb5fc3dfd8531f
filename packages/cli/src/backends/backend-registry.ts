import type { BackendScheme } from "../config/backend-url.js";
import type { BackendDriver, BackendRole } from "./backend-driver.js";
import { cassandraSourceBackend, cassandraTimelinesBackend } from "./cassandra-backend.js";
import { kafkaBackend } from "./kafka-backend.js";
import {
  memoryBusBackend,
  memorySourceBackend,
  memoryTimelinesBackend,
  pullOnlyTimelinesBackend,
} from "./memory-backend.js";
import { postgresBackend } from "./postgres-backend.js";
import { redisBackend } from "./redis-backend.js";

/**
 * Which driver opens each URL scheme in each role. This table is the one place that knows the backends: a new
 * adapter plugs in by adding its driver here.
 */
export const BACKENDS: Readonly<Record<BackendScheme, Partial<Record<BackendRole, BackendDriver>>>> = {
  memory: { source: memorySourceBackend, timelines: memoryTimelinesBackend, bus: memoryBusBackend },
  none: { timelines: pullOnlyTimelinesBackend },
  postgres: { source: postgresBackend },
  redis: { timelines: redisBackend },
  "redis-cluster": { timelines: redisBackend },
  cassandra: { source: cassandraSourceBackend, timelines: cassandraTimelinesBackend },
  kafka: { bus: kafkaBackend },
};

/** The driver for a scheme in a role; the configuration has already refused schemes that cannot fill the role. */
export function driverFor(scheme: BackendScheme, role: BackendRole): BackendDriver {
  const driver = BACKENDS[scheme][role];
  if (driver === undefined) throw new Error(`no ${role} driver for ${scheme}`);
  return driver;
}
