import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError } from "../errors/cli-error.js";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics-registry.js";

/** What `/healthz` answers: 200 when `healthy`, else 503; `body` is sent as JSON either way. */
export interface HealthReport {
  healthy: boolean;
  body: Record<string, unknown>;
}

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** Port to listen on; 0 picks a free one (see {@link MetricsServer.port}). */
  port: number;
  /** Interface to listen on, e.g. `0.0.0.0` (every interface, for a Prometheus elsewhere) or `127.0.0.1`. */
  host: string;
  /** The Prometheus text of `/metrics`, made at each scrape. */
  metrics: () => string;
  /** The answer of `/healthz`, made at each request. */
  health: () => HealthReport;
  /** Where the port came from, for the error when it cannot be bound (`--metrics-port`). */
  from: string;
}

/** A running metrics server. */
export interface MetricsServer {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format 0.0.4) and `GET /healthz` (JSON; 200 healthy, 503 not) over plain
 * HTTP. Resolves once listening; a port that cannot be bound is a one-line {@link CliError}.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    try {
      if (path === "/metrics") {
        response.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE }).end(options.metrics());
      } else if (path === "/healthz") {
        const { healthy, body } = options.health();
        response
          .writeHead(healthy ? 200 : 503, { "content-type": "application/json" })
          .end(`${JSON.stringify(body)}\n`);
      } else {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics or /healthz\n");
      }
    } catch (error) {
      response.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`);
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE"
          ? "the address is already in use (EADDRINUSE); stop what holds it, pick another port, or 0 for any free one"
          : error.code === "EACCES"
            ? "permission denied (EACCES); ports below 1024 need privileges, pick another"
            : error.message;
      reject(
        new CliError(`cannot serve metrics on ${options.host}:${options.port} (${options.from}): ${why}`, {
          cause: error,
        }),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
