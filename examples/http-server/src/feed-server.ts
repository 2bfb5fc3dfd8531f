import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type FeedEngine, type FeedErrorCode, isFeedError } from "@feed-engine/core";

const STATUS: Record<FeedErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  CLOCK_BACKWARDS: 503,
  UNAVAILABLE: 503,
};

type Handler = (params: string[], body: Record<string, unknown>, query: URLSearchParams) => Promise<unknown>;

/**
 * A JSON API over a feed engine, on plain `node:http`. Routes:
 * `POST /users {handle}`, `GET /users/:id`, `POST /users/:id/posts {text, replyTo?}`, `POST /users/:id/follow/:target`,
 * `DELETE /users/:id/follow/:target`, `POST /users/:id/likes/:post`, `GET /users/:id/home?limit&cursor`,
 * `GET /users/:id/notifications`. A `FeedError` becomes its HTTP status with `{ error: { code, message } }`.
 */
export function createFeedServer(feed: FeedEngine): Server {
  const routes: Array<[string, RegExp, Handler]> = [
    ["POST", /^\/users$/, (_p, b) => feed.registerUser({ handle: b.handle as string })],
    ["GET", /^\/users\/(\d+)$/, ([id]) => feed.getUser(id!)],
    [
      "POST",
      /^\/users\/(\d+)\/posts$/,
      ([id], b) => feed.post(id!, { text: b.text as string, ...(b.replyTo ? { replyTo: b.replyTo as string } : {}) }),
    ],
    ["POST", /^\/users\/(\d+)\/follow\/(\d+)$/, ([id, target]) => feed.follow(id!, target!)],
    ["DELETE", /^\/users\/(\d+)\/follow\/(\d+)$/, ([id, target]) => feed.unfollow(id!, target!)],
    ["POST", /^\/users\/(\d+)\/likes\/(\d+)$/, ([id, post]) => feed.like(id!, post!)],
    [
      "GET",
      /^\/users\/(\d+)\/home$/,
      ([id], _b, q) =>
        feed.homeTimeline(id!, {
          ...(q.has("limit") ? { limit: Number(q.get("limit")) } : {}),
          cursor: q.get("cursor"),
        }),
    ],
    ["GET", /^\/users\/(\d+)\/notifications$/, ([id]) => feed.notifications(id!)],
  ];

  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    try {
      for (const [method, pattern, handler] of routes) {
        const match = req.method === method ? pattern.exec(url.pathname) : null;
        if (match) return send(200, await handler(match.slice(1), await readJson(req), url.searchParams));
      }
      send(404, { error: { code: "NOT_FOUND", message: `no route ${req.method} ${url.pathname}` } });
    } catch (error) {
      if (isFeedError(error)) return send(STATUS[error.code], { error: { code: error.code, message: error.message } });
      send(500, { error: { code: "INTERNAL", message: "internal error" } });
    }
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) text += chunk;
  if (text === "") return {};
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
