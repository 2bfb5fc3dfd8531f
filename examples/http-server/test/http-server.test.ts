import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { createFeedEngine, MemoryEventBus } from "@feed-engine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeedServer } from "../src/feed-server.js";

const bus = new MemoryEventBus({ autoDrain: false });
const feed = createFeedEngine({ bus });
const server = createFeedServer(feed);
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await feed.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

describe("the embedded HTTP server example", () => {
  it("registers, follows, posts and serves the home timeline and notifications", async () => {
    const alice = (await call("POST", "/users", { handle: "alice" })).json;
    const bob = (await call("POST", "/users", { handle: "bob" })).json;
    expect((await call("POST", `/users/${bob.id}/follow/${alice.id}`)).json).toBe(true);
    const post = (await call("POST", `/users/${alice.id}/posts`, { text: "hello from the example" })).json;
    await bus.drain();
    const home = await call("GET", `/users/${bob.id}/home?limit=5`);
    expect(home.status).toBe(200);
    expect(home.json.items.map((i: any) => i.post.id)).toEqual([post.id]);
    expect((await call("GET", `/users/${alice.id}/notifications`)).json.items[0]).toMatchObject({
      type: "follow",
      actors: [bob.id],
    });
  });

  it("maps FeedError codes to HTTP statuses and changes nothing", async () => {
    expect((await call("POST", "/users", { handle: "no spaces" })).status).toBe(400);
    expect((await call("POST", "/users", { handle: "ALICE" })).status).toBe(409);
    expect((await call("GET", "/users/123")).status).toBe(404);
    const alice = (await call("POST", "/users", { handle: "carol" })).json;
    expect((await call("POST", `/users/${alice.id}/posts`, { text: "   " })).json.error.code).toBe("VALIDATION");
    expect((await call("GET", `/users/${alice.id}/home?cursor=nope`)).status).toBe(400);
    expect((await call("GET", `/users/${alice.id}`)).json.posts).toBe(0);
  });
});

describe("the README's embedding example", () => {
  it("is this file, word for word", async () => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const example = await readFile(new URL("../src/readme-example.ts", import.meta.url), "utf8");
    expect(readme).toContain(["```ts", example.trimEnd(), "```"].join("\n"));
  });

  it("runs", async () => {
    const tsx = new URL("../../../node_modules/.bin/tsx", import.meta.url).pathname;
    const file = new URL("../src/readme-example.ts", import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(tsx, [file], { cwd: new URL("..", import.meta.url).pathname });
    expect(stdout).toContain("hello @bob 👋");
    expect(stdout.trim().split("\n").at(-1)).toBe("2 like end");
  });
});
