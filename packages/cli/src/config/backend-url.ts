import { CliError } from "../errors/cli-error.js";

/** A host and port, as parsed from a backend URL. */
export interface HostPort {
  host: string;
  port: number;
}

/** A backend URL, parsed. `url` is the text as given (it may hold a password); `shown` is safe to print. */
export type BackendUrl =
  | { scheme: "memory"; url: string; shown: string }
  | { scheme: "none"; url: string; shown: string }
  | { scheme: "postgres"; url: string; shown: string; address: HostPort; database: string }
  | { scheme: "redis"; url: string; shown: string; address: HostPort; db: number; tls: boolean }
  | { scheme: "redis-cluster"; url: string; shown: string; nodes: HostPort[]; username?: string; password?: string }
  | { scheme: "cassandra"; url: string; shown: string; nodes: HostPort[]; keyspace: string; dataCenter?: string }
  | { scheme: "kafka"; url: string; shown: string; nodes: HostPort[] };

/** The schemes {@link parseBackendUrl} knows. */
export type BackendScheme = BackendUrl["scheme"];

const DEFAULT_PORTS: Partial<Record<BackendScheme, number>> = {
  postgres: 5432,
  redis: 6379,
  "redis-cluster": 6379,
  cassandra: 9042,
  kafka: 9092,
};

const KEYSPACE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/**
 * Parses a backend URL: `memory:`, `none:`, `postgres://[user[:pass]@]host[:port]/db`, `redis://[:pass@]host[:port][/db]`
 * (or `rediss://`), `redis-cluster://host:port,host:port`, `cassandra://host:port[,host:port]/keyspace[?dc=datacenter]`,
 * `kafka://host:port[,host:port]`. `where` names the option it came from ("--source") for the error message.
 * Throws a {@link CliError} saying what is wrong and what a good value looks like.
 */
export function parseBackendUrl(value: string, where: string): BackendUrl {
  const text = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  const bad = (why: string): CliError =>
    new CliError(`${where}: ${why} (got ${JSON.stringify(redact(text))}); ${EXAMPLES_TEXT}`);
  if (scheme === undefined) throw bad("not a URL");
  switch (scheme) {
    case "memory":
    case "none":
      if (text.slice(scheme.length + 1).replace(/^\/\//, "") !== "")
        throw bad(`${scheme}: takes nothing after the colon`);
      return { scheme, url: `${scheme}:`, shown: `${scheme}:` };
    case "postgres":
    case "postgresql":
      return parsePostgres(text, bad);
    case "redis":
    case "rediss":
      return parseRedis(text, scheme === "rediss", bad);
    case "redis-cluster": {
      const { userinfo, hosts, path } = splitAuthority(text, scheme, bad);
      if (path !== "")
        throw bad("redis-cluster:// takes host:port pairs only, no path (Redis Cluster has no db index)");
      const nodes = parseHosts(hosts, DEFAULT_PORTS[scheme]!, bad);
      const [username, password] = splitUserinfo(userinfo);
      return {
        scheme,
        url: text,
        shown: `redis-cluster://${nodes.map(showHost).join(",")}`,
        nodes,
        ...(username ? { username } : {}),
        ...(password !== undefined ? { password } : {}),
      };
    }
    case "cassandra": {
      const { hosts, path } = splitAuthority(text, scheme, bad);
      const nodes = parseHosts(hosts, DEFAULT_PORTS.cassandra!, bad);
      const question = path.indexOf("?");
      const keyspace = (question === -1 ? path : path.slice(0, question)).replace(/^\//, "");
      if (!KEYSPACE.test(keyspace)) throw bad("cassandra:// needs a keyspace: cassandra://host:9042/keyspace");
      const query = new URLSearchParams(question === -1 ? "" : path.slice(question + 1));
      const dataCenter = query.get("dc") ?? undefined;
      if ([...query.keys()].some((key) => key !== "dc") || dataCenter === "" || query.getAll("dc").length > 1) {
        throw bad("cassandra:// takes one option, ?dc=<local data center>");
      }
      const shown = `cassandra://${nodes.map(showHost).join(",")}/${keyspace}${dataCenter ? `?dc=${encodeURIComponent(dataCenter)}` : ""}`;
      return { scheme, url: text, shown, nodes, keyspace, ...(dataCenter === undefined ? {} : { dataCenter }) };
    }
    case "kafka": {
      const { hosts, path } = splitAuthority(text, scheme, bad);
      if (path !== "" && path !== "/") throw bad("kafka:// takes broker host:port pairs only");
      const nodes = parseHosts(hosts, DEFAULT_PORTS.kafka!, bad);
      return { scheme, url: text, shown: `kafka://${nodes.map(showHost).join(",")}`, nodes };
    }
    default:
      throw bad(`unknown scheme ${scheme}:`);
  }
}

const EXAMPLES_TEXT =
  "expected memory:, none:, postgres://user@host:5432/db, redis://host:6379[/db], " +
  "redis-cluster://host:7000,host:7001, cassandra://host:9042/keyspace or kafka://host:9092";

/** Parses a single-host URL with the WHATWG parser; the host must be there (IPv6 brackets are taken off). */
function singleHost(
  text: string,
  example: string,
  defaultPort: number,
  bad: (why: string) => CliError,
): { url: URL; address: HostPort } {
  const scheme = example.slice(0, example.indexOf(":"));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(`not a valid ${scheme}:// URL`);
  }
  if (url.hostname === "") throw bad(`${scheme}:// needs a host: ${example}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { url, address: { host, port: url.port === "" ? defaultPort : Number(url.port) } };
}

function parsePostgres(text: string, bad: (why: string) => CliError): BackendUrl {
  const { url, address } = singleHost(text, "postgres://user@host:5432/db", DEFAULT_PORTS.postgres!, bad);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  const user = url.username ? `${decodeURIComponent(url.username)}@` : "";
  return {
    scheme: "postgres",
    url: text,
    shown: `postgres://${user}${showHost(address)}/${database}`,
    address,
    database,
  };
}

function parseRedis(text: string, tls: boolean, bad: (why: string) => CliError): BackendUrl {
  const { url, address } = singleHost(text, "redis://host:6379", DEFAULT_PORTS.redis!, bad);
  const path = url.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d*$/.test(path)) {
    throw bad("the path of a redis:// URL is a database number (0-15)");
  }
  const scheme = tls ? "rediss" : "redis";
  return {
    scheme: "redis",
    url: text,
    shown: `${scheme}://${showHost(address)}${db === 0 ? "" : `/${db}`}`,
    address,
    db,
    tls,
  };
}

/** Splits `scheme://[userinfo@]hosts[/path]` without the WHATWG parser, which refuses host lists. */
function splitAuthority(
  text: string,
  scheme: string,
  bad: (why: string) => CliError,
): { userinfo: string; hosts: string; path: string } {
  const rest = text.slice(scheme.length + 1);
  if (!rest.startsWith("//")) throw bad(`${scheme}: must be followed by //host:port`);
  const body = rest.slice(2);
  const slash = body.indexOf("/");
  const authority = slash === -1 ? body : body.slice(0, slash);
  const path = slash === -1 ? "" : body.slice(slash);
  const at = authority.lastIndexOf("@");
  return {
    userinfo: at === -1 ? "" : authority.slice(0, at),
    hosts: at === -1 ? authority : authority.slice(at + 1),
    path,
  };
}

function splitUserinfo(userinfo: string): [string | undefined, string | undefined] {
  if (userinfo === "") return [undefined, undefined];
  const colon = userinfo.indexOf(":");
  if (colon === -1) return [decodeURIComponent(userinfo), undefined];
  return [decodeURIComponent(userinfo.slice(0, colon)) || undefined, decodeURIComponent(userinfo.slice(colon + 1))];
}

/** `host:port,host:port` (IPv6 in brackets); a missing port is the scheme's default. */
function parseHosts(hosts: string, defaultPort: number, bad: (why: string) => CliError): HostPort[] {
  if (hosts.trim() === "") throw bad("no host given");
  return hosts.split(",").map((part) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/.exec(part.trim());
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || port < 1 || port > 65_535) throw bad(`${JSON.stringify(part)} is not host:port`);
    return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port };
  });
}

/** `host:port`, IPv6 hosts in brackets. */
export function showHost(address: HostPort): string {
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** The URL with any password replaced by `***`, for messages. */
export function redact(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}
