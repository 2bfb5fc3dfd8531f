import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { CliError } from "../src/errors/cli-error.js";
import { edgePairs, followerCounts } from "../src/graph/edge-graph.js";
import { readEdgeList } from "../src/graph/read-edge-list.js";

const dir = mkdtempSync(join(tmpdir(), "feed-engine-edges-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = [
  "# Directed graph: A follows B",
  "% another comment style",
  "1 2",
  "1 3",
  "2\t3",
  "3 3",
  "",
  "  4   1  ",
  "5 5",
  "9223372036854775807 1",
  "not an edge",
  "1 2 3",
  "007 1",
  "18446744073709551616 1",
  "2 1\r",
  "4 2", // no trailing newline
].join("\n");

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("readEdgeList", () => {
  it("parses a plain edge list, skipping comments, counting self-loops and bad lines", async () => {
    const list = await readEdgeList(write("plain.txt", SAMPLE));
    expect([...edgePairs(list)]).toEqual([
      ["1", "2"],
      ["1", "3"],
      ["2", "3"],
      ["4", "1"],
      ["9223372036854775807", "1"],
      ["2", "1"],
      ["4", "2"],
    ]);
    expect(list.selfLoops).toBe(2);
    expect(list.badLines).toBe(4);
    expect(list.badLineSamples[0]).toBe('line 11: "not an edge"');
    expect(list.lines).toBe(16);
    expect(list.gzip).toBe(false);
    // Users of self-loops still exist (5 follows only itself).
    expect(list.ids).toEqual(["1", "2", "3", "4", "5", "9223372036854775807"]);
    expect([...followerCounts(list)]).toEqual([3, 2, 2, 0, 0, 0]);
  });

  it("detects gzip by its magic bytes, whatever the file is called", async () => {
    const plain = await readEdgeList(write("a.txt", SAMPLE));
    const gz = await readEdgeList(write("misleading.txt", gzipSync(SAMPLE)));
    expect(gz.gzip).toBe(true);
    expect([...edgePairs(gz)]).toEqual([...edgePairs(plain)]);
    expect([gz.selfLoops, gz.badLines, gz.lines]).toEqual([plain.selfLoops, plain.badLines, plain.lines]);
  });

  it("reports progress in bytes read, ending at the file size", async () => {
    const path = write("big.txt.gz", gzipSync(Array.from({ length: 50_000 }, (_, i) => `${i} ${i + 1}`).join("\n")));
    const seen: Array<[number, number]> = [];
    const list = await readEdgeList(path, { onProgress: (done, total) => seen.push([done, total]) });
    expect(list.from.length).toBe(50_000);
    expect(seen.at(-1)).toEqual([list.bytes, list.bytes]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);
  });

  it("throws a CliError naming the first bad line in strict mode", async () => {
    const path = write("strict.txt", SAMPLE);
    const error = await readEdgeList(path, { strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(`${path}:11: expected two decimal user ids "A B", got "not an edge"`);
  });

  it("accepts self-loops in strict mode (they are skipped, not malformed)", async () => {
    const list = await readEdgeList(write("loops.txt", "1 1\n1 2\n"), { strict: true });
    expect(list.selfLoops).toBe(1);
    expect(list.from.length).toBe(1);
  });

  it("reads an empty file as an empty graph", async () => {
    const list = await readEdgeList(write("empty.txt", ""));
    expect([list.ids.length, list.from.length, list.lines]).toEqual([0, 0, 0]);
  });

  it("throws a CliError for a missing file", async () => {
    await expect(readEdgeList(join(dir, "missing.txt"))).rejects.toThrow(
      /cannot read edge list .*missing\.txt: ENOENT/,
    );
  });

  it("throws a CliError for a corrupt gzip file", async () => {
    const good = gzipSync("1 2\n".repeat(1000));
    const path = write("corrupt.gz", Buffer.concat([good.subarray(0, 20), Buffer.alloc(50, 7)]));
    await expect(readEdgeList(path)).rejects.toBeInstanceOf(CliError);
  });
});
