import {
  CassandraActivityStore,
  CassandraGraphStore,
  CassandraNotificationStore,
  CassandraPostStore,
  CassandraTimelineStore,
  CassandraUserStore,
  migrate,
  migrations,
} from "@feed-engine/adapter-cassandra";
import cassandra from "cassandra-driver";
import { type BackendUrl, showHost } from "../config/backend-url.js";
import type { Setting } from "../config/feed-config.js";
import { CliError } from "../errors/cli-error.js";
import type { BackendDriver, OpenContext, UserIdLister } from "./backend-driver.js";
import { once } from "./once.js";
import { unreachable } from "./unreachable.js";

type CassandraUrl = Extract<BackendUrl, { scheme: "cassandra" }>;

/** The data center the driver treats as local when neither the URL nor the environment names one. */
export const DEFAULT_DATA_CENTER = "datacenter1";
/** Environment variable naming the local data center (the URL's `?dc=` wins over it). */
export const DATA_CENTER_ENV = "FEED_ENGINE_CASSANDRA_DC";

const CONNECT_TIMEOUT_MS = 5_000;
/** Statements wait this long for an answer: seeding and rebuilds keep many in flight on a busy node. */
const READ_TIMEOUT_MS = 60_000;
/** User ids per page of the token-order scan behind `count`. */
const COUNT_PAGE = 5_000;
const DATA_CENTER = /^[A-Za-z0-9_.-]{1,128}$/;

function cassandraUrl(url: BackendUrl): CassandraUrl {
  if (url.scheme !== "cassandra") throw new Error(`cassandra backend given ${url.scheme}`);
  return url;
}

/**
 * The local data center for cassandra-driver's `localDataCenter`: `?dc=` in the URL (read from the URL text, for when
 * `parseBackendUrl` accepts that query), else `FEED_ENGINE_CASSANDRA_DC`, else `datacenter1` (a single node's default).
 */
export function dataCenterOf(url: CassandraUrl, from: string, env: NodeJS.ProcessEnv = process.env): Setting<string> {
  const query = url.url.includes("?") ? url.url.slice(url.url.indexOf("?") + 1) : "";
  const inUrl = new URLSearchParams(query).get("dc");
  const setting =
    inUrl !== null && inUrl !== ""
      ? { value: inUrl, from: `?dc= in ${from}` }
      : env[DATA_CENTER_ENV]
        ? { value: env[DATA_CENTER_ENV], from: DATA_CENTER_ENV }
        : { value: DEFAULT_DATA_CENTER, from: "default" };
  if (!DATA_CENTER.test(setting.value)) {
    throw new CliError(
      `${setting.from}: a Cassandra data center name is letters, digits, '_', '.' or '-' (got ${JSON.stringify(setting.value)})`,
    );
  }
  return setting;
}

/** The errors a failed `connect()` collected per host (cassandra-driver's `NoHostAvailableError.innerErrors`). */
function innerErrors(error: unknown): unknown[] {
  const inner = (error as { innerErrors?: Record<string, unknown> } | null)?.innerErrors;
  return inner === undefined || inner === null ? [] : Object.values(inner);
}

/**
 * Shuts a client down, including the control connection cassandra-driver 4.10 leaves open when `connect()` fails
 * after the socket opened (a data center mismatch): that socket would keep the process alive.
 */
async function shutdown(client: cassandra.Client): Promise<void> {
  await client.shutdown().catch(() => undefined);
  const leaked = (client as unknown as { controlConnection?: { connection?: { close?(done: () => void): void } } })
    .controlConnection?.connection;
  if (typeof leaked?.close === "function") await new Promise<void>((resolve) => leaked.close!(resolve));
}

/**
 * Connects to the contact points and proves a node answers; a failure becomes one line naming the server, the
 * addresses and what to try. The client is shut down before the error is thrown.
 */
async function connect(url: CassandraUrl, from: string): Promise<cassandra.Client> {
  const dataCenter = dataCenterOf(url, from);
  const address = url.nodes.map(showHost).join(",");
  const client = new cassandra.Client({
    contactPoints: url.nodes.map(showHost),
    localDataCenter: dataCenter.value,
    // With replication above 1, LOCAL_QUORUM reads see LOCAL_QUORUM writes; with one node it is the same as ONE.
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum },
    socketOptions: { connectTimeout: CONNECT_TIMEOUT_MS, readTimeout: READ_TIMEOUT_MS },
  });
  try {
    await client.connect();
    await client.execute("SELECT release_version FROM system.local");
    return client;
  } catch (error) {
    await shutdown(client);
    const inner = innerErrors(error);
    const wrongDc = inner.find((e) => e instanceof Error && /localDataCenter was configured as/.test(e.message));
    if (wrongDc !== undefined) {
      const found = /data centers: \[(.*)\]/.exec((wrongDc as Error).message)?.[1] ?? "?";
      throw new CliError(
        `Cassandra at ${address} (${from}) has no data center "${dataCenter.value}" (from ${dataCenter.from}); its data centers: ${found}; set ${DATA_CENTER_ENV} to the local one`,
        { cause: error },
      );
    }
    if ((error as Error)?.message === "No host could be resolved") {
      throw unreachable(
        "Cassandra",
        address,
        from,
        Object.assign(new Error("no host resolved"), { code: "ENOTFOUND" }),
      );
    }
    const auth = inner.find((e) => (e as Error)?.name === "AuthenticationError");
    if (auth !== undefined) {
      throw new CliError(`Cassandra at ${address} (${from}) refused the login: ${(auth as Error).message}`, {
        cause: error,
      });
    }
    throw unreachable("Cassandra", address, from, inner[0] ?? error);
  }
}

/** `NNN_name`, as `migrate` reports migrations. */
const versionName = (m: { version: number; name: string }): string => `${String(m.version).padStart(3, "0")}_${m.name}`;

/** The command that migrates this backend, for messages. */
function migrateHint(url: CassandraUrl, context: OpenContext, role: "source" | "timelines"): string {
  if (role === "source") return `run \`feed-engine migrate --source ${url.shown}\` first`;
  const source = context.config.source?.value.shown ?? "<source>";
  return `run \`feed-engine migrate --source ${source} --timelines ${url.shown}\` first`;
}

/** Throws unless every migration this build ships has been applied to the keyspace. */
async function checkMigrated(
  client: cassandra.Client,
  url: CassandraUrl,
  context: OpenContext,
  role: "source" | "timelines",
): Promise<void> {
  const run = migrateHint(url, context, role);
  let applied: Set<number>;
  try {
    const { rows } = await client.execute(`SELECT version FROM "${url.keyspace}".schema_migrations`);
    applied = new Set(rows.map((row) => Number(row.version)));
  } catch (error) {
    const message = (error as Error)?.message ?? "";
    if (/keyspace .* does not exist|unconfigured table/i.test(message)) {
      throw new CliError(
        `keyspace "${url.keyspace}" is not migrated in ${url.shown} (${context.setting.from}): ${run}`,
        {
          cause: error,
        },
      );
    }
    throw unreachable("Cassandra", url.nodes.map(showHost).join(","), context.setting.from, error);
  }
  const missing = (await migrations()).filter((m) => !applied.has(m.version));
  if (missing.length > 0) {
    throw new CliError(
      `keyspace "${url.keyspace}" in ${url.shown} lacks migrations ${missing.map(versionName).join(", ")}: ${run}`,
    );
  }
}

/**
 * Lists users from the adapter's `users` table in TOKEN order (Cassandra's partition order: the Murmur3 hash of the
 * id), not id order: `page(after)` continues with the users whose token is above `after`'s, so a page's last id is a
 * valid cursor and a walk visits every user once. `count` scans the ids page by page.
 */
function userIds(client: cassandra.Client, keyspace: string): UserIdLister {
  const table = `"${keyspace}".users`;
  const select = (after: string | undefined) =>
    after === undefined
      ? { query: `SELECT id FROM ${table}`, params: [] as unknown[] }
      : { query: `SELECT id FROM ${table} WHERE token(id) > token(?)`, params: [after] as unknown[] };
  return {
    async page(after, limit) {
      const { query, params } = select(after);
      const { rows } = await client.execute(`${query} LIMIT ?`, [...params, limit], { prepare: true });
      return rows.map((row) => String(row.id));
    },
    async count(after) {
      const { query, params } = select(after);
      let n = 0;
      let pageState: string | undefined;
      do {
        const result = await client.execute(query, params, {
          prepare: true,
          autoPage: false,
          fetchSize: COUNT_PAGE,
          ...(pageState === undefined ? {} : { pageState }),
        });
        n += result.rows.length;
        pageState = result.pageState ?? undefined;
      } while (pageState !== undefined);
      return n;
    },
  };
}

/** Connects, checks the keyspace is migrated, and shuts the client down again if that fails. */
async function openChecked(
  url: CassandraUrl,
  context: OpenContext,
  role: "source" | "timelines",
): Promise<cassandra.Client> {
  const client = await connect(url, context.setting.from);
  try {
    await checkMigrated(client, url, context, role);
    return client;
  } catch (error) {
    await shutdown(client);
    throw error;
  }
}

/**
 * Cassandra as the source of truth (users, posts, follow graph, notifications), `cassandra://host:9042[,host]/keyspace`.
 * `userIds` walks users in token order.
 */
export const cassandraSourceBackend: BackendDriver = {
  async open(value, context) {
    const url = cassandraUrl(value);
    const client = await openChecked(url, context, "source");
    const options = { client, keyspace: url.keyspace };
    return {
      stores: {
        users: new CassandraUserStore(options),
        posts: new CassandraPostStore(options),
        graph: new CassandraGraphStore(options),
        notifications: new CassandraNotificationStore(options),
      },
      userIds: userIds(client, url.keyspace),
      close: once(() => shutdown(client)),
    };
  },
  migrate: (value, context) => migrateKeyspace(cassandraUrl(value), context),
};

/** Cassandra holding the materialized timelines and the last-seen times (`CassandraActivityStore`). */
export const cassandraTimelinesBackend: BackendDriver = {
  async open(value, context) {
    const url = cassandraUrl(value);
    const client = await openChecked(url, context, "timelines");
    const options = { client, keyspace: url.keyspace };
    return {
      stores: {
        timelines: new CassandraTimelineStore({ ...options, cap: context.config.timelineCap.value }),
        activity: new CassandraActivityStore(options),
      },
      close: once(() => shutdown(client)),
    };
  },
  migrate: (value, context) => migrateKeyspace(cassandraUrl(value), context),
};

/**
 * Creates the keyspace (SimpleStrategy, replication factor 1, when it does not exist: create it yourself first with
 * the replication you want in production) and applies the pending migrations.
 */
async function migrateKeyspace(url: CassandraUrl, context: OpenContext) {
  const client = await connect(url, context.setting.from);
  try {
    const applied = await migrate({ client, keyspace: url.keyspace });
    return { target: `keyspace ${url.keyspace} in ${url.shown}`, applied: applied.map(versionName) };
  } finally {
    await shutdown(client);
  }
}
