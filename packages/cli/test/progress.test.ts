import { describe, expect, it } from "vitest";
import { Progress } from "../src/output/progress.js";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (text: string) => chunks.push(text) } };
}

describe("Progress", () => {
  it("prints one line per phase when not a TTY", () => {
    let now = 0;
    const { chunks, stream } = fakeStream(false);
    const p = new Progress(stream, () => now);
    p.start("Importing", 1_000, "users");
    for (let i = 1; i <= 1_000; i++) p.update(i);
    now = 2_000;
    p.end();
    p.log("note");
    expect(chunks).toEqual(["Importing: 1,000 users in 2.0s, 500/s\n", "note\n"]);
  });

  it("redraws a TTY bar at most every 100 ms, with counts, rate and ETA", () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const p = new Progress(stream, () => now);
    p.start("Posts", 100);
    for (let i = 1; i <= 50; i++) {
      now = i * 10;
      p.update(i);
    }
    // Start plus one redraw per 100 ms over 500 ms.
    expect(chunks.length).toBe(6);
    expect(chunks.at(-1)).toBe(`\r\x1b[2KPosts ${"█".repeat(12)}${"░".repeat(12)} 50/100  100/s ETA 0.5s`);
    p.end("done");
    expect(chunks.at(-1)).toBe("\r\x1b[2KPosts: done in 0.5s, 100/s\n");
  });
});
