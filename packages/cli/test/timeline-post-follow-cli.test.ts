import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FollowResult } from "../src/commands/follow.js";
import type { PostResult } from "../src/commands/post.js";
import type { TimelineResult } from "../src/commands/timeline.js";
import { cli, fileBackends } from "./run-cli.js";

const { env } = fileBackends("poke");

beforeAll(async () => {
  // 1 and 2 follow 3; 4 follows only 1, who never posts.
  const file = join(mkdtempSync(join(tmpdir(), "feed-engine-poke-")), "edges.txt");
  writeFileSync(file, "1 3\n2 3\n4 1\n");
  for (const args of [["migrate"], ["seed", file]]) {
    const r = await cli(args, env);
    if (r.code !== 0) throw new Error(r.stderr);
  }
});

const timeline = async (user: string, extra: string[] = []) => {
  const r = await cli(["timeline", user, "--json", ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as TimelineResult;
};

describe("feed-engine timeline, post, follow (built binary, PostgreSQL + Redis)", () => {
  it("post fans out to followers' timelines in this process and reports it", async () => {
    const r = await cli(["post", "@u3", "hello", "from", "the", "cli", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as PostResult;
    expect(result.author).toEqual({ id: "3", handle: "u3" });
    expect(result.post).toMatchObject({ authorId: "3", text: "hello from the cli" });
    expect(result.fanout).toEqual({ mode: "push", followers: 2, deliveries: 2, skippedInactive: 0 });
    const page = await timeline("@u1");
    expect(page.user).toEqual({ id: "1", handle: "u1" });
    expect(page.items).toEqual([
      { id: result.post.id, post: expect.objectContaining({ text: "hello from the cli", authorHandle: "u3" }) },
    ]);
    expect(page.nextCursor).toBeNull();
    const text = await cli(["post", "3", "second post"], env);
    expect(text.stdout).toMatch(/^posted \d+ as @u3 \(3\)\nfan-out: push, 2 timelines of 2 followers\n$/);
  });

  it("timeline pages with --limit and --cursor, and prints a table without --json", async () => {
    for (let i = 0; i < 3; i++) expect((await cli(["post", "@u3", `page post ${i}`], env)).code).toBe(0);
    const first = await timeline("@u2", ["--limit", "2"]);
    expect(first.items.map((i) => i.post.text)).toEqual(["page post 2", "page post 1"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await timeline("2", ["--limit", "2", "--cursor", first.nextCursor!]);
    expect(second.items.map((i) => i.post.text)).toEqual(["page post 0", "second post"]);
    const table = await cli(["timeline", "@U2", "--limit", "1"], env);
    expect(table.stdout).toMatch(
      /^Home timeline of @u2 \(2\), newest first:\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}@u3: page post 2 {2}\[\d+\]\nnext page: feed-engine timeline 2 --cursor \S+\n$/,
    );
  });

  it("follow backfills the new followee's posts; --undo takes them out; both say when nothing changed", async () => {
    expect((await timeline("@u4")).items).toEqual([]);
    const follow = await cli(["follow", "@u4", "@u3", "--json"], env);
    expect(follow.code, follow.stderr).toBe(0);
    expect(JSON.parse(follow.stdout) as FollowResult).toEqual({
      action: "follow",
      follower: { id: "4", handle: "u4" },
      followee: { id: "3", handle: "u3" },
      changed: true,
    });
    expect((await timeline("@u4")).items.map((i) => i.post.authorId)).toEqual(["3", "3", "3", "3", "3"]);
    expect((await cli(["follow", "@u4", "@u3"], env)).stdout).toBe(
      "@u4 (4) already follows @u3 (3) (nothing changed)\n",
    );
    expect((await cli(["follow", "@u4", "@u3", "--undo"], env)).stdout).toBe("@u4 (4) no longer follows @u3 (3)\n");
    expect((await timeline("@u4")).items).toEqual([]);
    expect((await cli(["follow", "4", "3", "--undo"], env)).stdout).toBe(
      "@u4 (4) did not follow @u3 (3) (nothing changed)\n",
    );
  });

  it("unknown users, self-follows and bad input are one line and exit 1", async () => {
    const cases: Array<[string[], string]> = [
      [["timeline", "@nobody"], 'feed-engine: no user has the handle "nobody"\n'],
      [["timeline", "999"], "feed-engine: userId: user 999 does not exist\n"],
      [["timeline", "not a user!"], 'feed-engine: expected a user id or @handle (got "not a user!")\n'],
      [["follow", "@u1", "@u1"], "feed-engine: a user cannot follow themselves\n"],
      [["timeline", "@u1", "--cursor", "garbage"], ""],
      [["post", "@u1", " "], ""],
    ];
    for (const [args, stderr] of cases) {
      const r = await cli(args, env);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      if (stderr !== "") expect(r.stderr).toBe(stderr);
    }
    const limit = await cli(["timeline", "@u1", "--limit", "500"], env);
    expect(limit.stderr).toMatch(/^feed-engine: option '--limit <n>' argument '500' is invalid/);
  });

  it("each command has --help with examples", async () => {
    for (const command of ["timeline", "post", "follow", "rebuild", "verify", "migrate"]) {
      const help = await cli([command, "--help"]);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain("Examples:");
      expect(help.stdout, command).toContain("--source <url>");
    }
  });
});
