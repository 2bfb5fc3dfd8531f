/**
 * Reads the SNAP ego-Twitter edge list (`A B` per line: A follows B), gzip-compressed, as a stream. Self-loops are
 * skipped and counted; id strings are interned so 1.7M edges share 81k strings.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/** The follow graph of the file. */
export interface EgoTwitter {
  /** Every user id in the file, in order of first appearance. */
  users: string[];
  /** [follower, followee], self-loops left out (duplicates, if any, are kept: the graph store skips them). */
  edges: Array<[string, string]>;
  lines: number;
  selfLoops: number;
}

const SEPARATOR = /\s+/;

export async function readEgoTwitter(path: string): Promise<EgoTwitter> {
  const interned = new Map<string, string>();
  const intern = (id: string): string => {
    const known = interned.get(id);
    if (known !== undefined) return known;
    interned.set(id, id);
    return id;
  };
  const edges: Array<[string, string]> = [];
  let lines = 0;
  let selfLoops = 0;

  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip();
  file.on("error", (error) => gunzip.destroy(error));
  const input = createInterface({ input: file.pipe(gunzip), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of input) {
    lines++;
    const text = line.trim();
    if (text === "" || text.startsWith("#")) continue;
    const [a, b, extra] = text.split(SEPARATOR);
    if (a === undefined || b === undefined || extra !== undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) {
      throw new Error(`${path}:${lines}: expected "A B" (two decimal user ids), got ${JSON.stringify(text)}`);
    }
    const follower = intern(a);
    if (a === b) {
      selfLoops++;
      continue;
    }
    edges.push([follower, intern(b)]);
  }
  return { users: [...interned.keys()], edges, lines, selfLoops };
}
