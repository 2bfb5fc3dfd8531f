import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { isId } from "@feed-engine/core";
import { CliError } from "../errors/cli-error.js";
import { EdgeBuffer } from "./edge-buffer.js";
import type { EdgeGraph } from "./edge-graph.js";

/** Options for {@link readEdgeList}. */
export interface ReadEdgeListOptions {
  /** Throw on the first malformed line (naming its number) instead of counting it. Default false. */
  strict?: boolean;
  /** Called as the file is read, with bytes read from disk (compressed, for gzip) and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A parsed edge list: the graph plus what was skipped. */
export interface EdgeList extends EdgeGraph {
  /** Lines in the file, comments and blanks included. */
  lines: number;
  /** `A A` lines: skipped (a user cannot follow itself), their user still counted. */
  selfLoops: number;
  /** Lines that are not two decimal 64-bit ids (skipped unless `strict`). */
  badLines: number;
  /** The first few bad lines, as `line N: "text"`, for a warning. */
  badLineSamples: string[];
  /** Size of the file on disk. */
  bytes: number;
  /** Whether the file was gzip-compressed (detected by its magic bytes, not its name). */
  gzip: boolean;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const PERCENT = 37;

/**
 * Streams a SNAP-style edge list (`A B` per line: A follows B; `#` or `%` lines are comments), gzip or plain text.
 * Ids must be decimal 64-bit user ids and are kept as strings. Self-loops are skipped and counted; malformed lines are
 * counted (or, with `strict`, thrown as a {@link CliError} naming the line). Parses ~1 million lines a second.
 */
export async function readEdgeList(path: string, options: ReadEdgeListOptions = {}): Promise<EdgeList> {
  const { strict = false, onProgress } = options;
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read edge list ${path}: ${error.code ?? error.message}`);
  });
  let bytes: number;
  let gzip: boolean;
  try {
    bytes = (await handle.stat()).size;
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }

  const index = new Map<string, number>();
  const ids: string[] = [];
  const edges = new EdgeBuffer();
  const badLineSamples: string[] = [];
  let lines = 0;
  let selfLoops = 0;
  let badLines = 0;

  const intern = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = ids.length;
      index.set(id, i);
      ids.push(id);
    }
    return i;
  };

  const bad = (text: string, start: number, end: number): void => {
    badLines++;
    const shown = JSON.stringify(text.slice(start, Math.min(end, start + 80)));
    if (strict) throw new CliError(`${path}:${lines}: expected two decimal user ids "A B", got ${shown}`);
    if (badLineSamples.length < 3) badLineSamples.push(`line ${lines}: ${shown}`);
  };

  // Parses one line, text[start, end), without allocating anything but the two id strings.
  const line = (text: string, start: number, end: number): void => {
    lines++;
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    let i = start;
    while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
    if (i === end) return;
    const first = text.charCodeAt(i);
    if (first === HASH || first === PERCENT) return;
    const aStart = i;
    while (i < end && text.charCodeAt(i) !== SPACE && text.charCodeAt(i) !== TAB) i++;
    const aEnd = i;
    while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
    const bStart = i;
    while (i < end && text.charCodeAt(i) !== SPACE && text.charCodeAt(i) !== TAB) i++;
    const bEnd = i;
    while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
    if (bStart === bEnd || i !== end) {
      bad(text, start, end);
      return;
    }
    const a = text.slice(aStart, aEnd);
    const b = text.slice(bStart, bEnd);
    if (!isId(a) || !isId(b)) {
      bad(text, start, end);
      return;
    }
    const ai = intern(a);
    if (a === b) {
      selfLoops++;
      return;
    }
    edges.push(ai, intern(b));
  };

  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let lastReport = 0;
  const parse = async (source: AsyncIterable<Buffer>): Promise<void> => {
    let carry = "";
    for await (const chunk of source) {
      // latin1 maps bytes 1:1, so a chunk boundary can never split a character; ids are ASCII anyway.
      const text = carry + chunk.toString("latin1");
      let start = 0;
      for (;;) {
        const nl = text.indexOf("\n", start);
        if (nl === -1) break;
        line(text, start, nl);
        start = nl + 1;
      }
      carry = text.slice(start);
      if (onProgress && file.bytesRead !== lastReport) {
        lastReport = file.bytesRead;
        onProgress(file.bytesRead, bytes);
      }
    }
    if (carry.length > 0) line(carry, 0, carry.length);
  };

  try {
    if (gzip) await pipeline(file, createGunzip({ chunkSize: 1 << 20 }), parse);
    else await pipeline(file, parse);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot read edge list ${path}: ${message}`);
  }
  onProgress?.(bytes, bytes);
  return { ids, ...edges.finish(), lines, selfLoops, badLines, badLineSamples, bytes, gzip };
}
