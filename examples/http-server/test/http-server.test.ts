import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { createFeedEngine, MemoryEventBus, type Post, type TimelinePage, type User } from "@feed-engine/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type {} from "../../../test-support/global-setup.js";
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

interface ErrorBody {
  error: { code: string; message: string };
}

/** Calls the server; `T` is the body the caller expects (a test, so a wrong guess fails an assertion). */
async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as T };
}

describe("the embedded HTTP server example", () => {
  it("registers, follows, posts and serves the home timeline and notifications", async () => {
    const alice = (await call<User>("POST", "/users", { handle: "alice" })).json;
    const bob = (await call<User>("POST", "/users", { handle: "bob" })).json;
    expect((await call<boolean>("POST", `/users/${bob.id}/follow/${alice.id}`)).json).toBe(true);
    const post = (await call<Post>("POST", `/users/${alice.id}/posts`, { text: "hello from the example" })).json;
    await bus.drain();
    const home = await call<TimelinePage>("GET", `/users/${bob.id}/home?limit=5`);
    expect(home.status).toBe(200);
    expect(home.json.items.map((i) => i.post.id)).toEqual([post.id]);
    expect((await call<{ items: unknown[] }>("GET", `/users/${alice.id}/notifications`)).json.items[0]).toMatchObject({
      type: "follow",
      actors: [bob.id],
    });
  });

  it("maps FeedError codes to HTTP statuses and changes nothing", async () => {
    expect((await call("POST", "/users", { handle: "no spaces" })).status).toBe(400);
    expect((await call("POST", "/users", { handle: "ALICE" })).status).toBe(409);
    expect((await call("GET", "/users/123")).status).toBe(404);
    const alice = (await call<User>("POST", "/users", { handle: "carol" })).json;
    expect((await call<ErrorBody>("POST", `/users/${alice.id}/posts`, { text: "   " })).json.error.code).toBe(
      "VALIDATION",
    );
    expect((await call("GET", `/users/${alice.id}/home?cursor=nope`)).status).toBe(400);
    expect((await call<User>("GET", `/users/${alice.id}`)).json.posts).toBe(0);
  });
});

const tsx = new URL("../../../node_modules/.bin/tsx", import.meta.url).pathname;

describe("the README's examples", () => {
  it.each(["readme-example.ts", "readme-servers-example.ts"])("%s is in the README word for word", async (file) => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const example = await readFile(new URL(`../src/${file}`, import.meta.url), "utf8");
    expect(readme).toContain(["```ts", example.trimEnd(), "```"].join("\n"));
  });

  it("the server-backed one runs on PostgreSQL and Redis", async () => {
    const prefix = `${inject("redisPrefix")}readme:`;
    const file = new URL("../src/readme-servers-example.ts", import.meta.url).pathname;
    const env = { ...process.env, DATABASE_URL: inject("postgresUrl"), REDIS_URL: inject("redisUrl") };
    const { stdout } = await promisify(execFile)(tsx, [file], {
      cwd: new URL("..", import.meta.url).pathname,
      env: { ...env, FEED_REDIS_PREFIX: prefix },
    });
    expect(stdout).toContain("stored in PostgreSQL, delivered through Redis");
    const redis = new Redis(inject("redisUrl"));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.unlink(...keys);
    redis.disconnect();
  });

  it("the in-memory one runs", async () => {
    const file = new URL("../src/readme-example.ts", import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(tsx, [file], { cwd: new URL("..", import.meta.url).pathname });
    expect(stdout).toContain("hello @bob 👋");
    expect(stdout.trim().split("\n").at(-1)).toBe("2 like end");
  });
});
