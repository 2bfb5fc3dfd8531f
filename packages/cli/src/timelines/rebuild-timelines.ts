import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { type FeedEngine, isId, type UserId } from "@feed-engine/core";
import pLimit from "p-limit";
import type { UserIdLister } from "../backends/backend-driver.js";
import { CliError } from "../errors/cli-error.js";
import type { ProgressSink } from "../output/progress.js";

/** Users per keyset page of `--all`; the checkpoint moves after each page. */
const PAGE = 1_000;

/** Rebuilds the listed users' timelines, `concurrency` at a time; with `drop`, each is dropped first. */
export async function rebuildUsers(
  engine: FeedEngine,
  userIds: readonly UserId[],
  o: { drop: boolean; concurrency: number; onDone?: () => void },
): Promise<void> {
  const limit = pLimit(o.concurrency);
  await Promise.all(
    userIds.map((id) =>
      limit(async () => {
        // Dropping first also clears entries a merge would keep (stale ids); pushes that land between the drop and
        // the rebuild's prepare are in the source of truth already, so the rebuild reads them.
        if (o.drop) await engine.stores.timelines.drop(id);
        await engine.rebuildTimeline(id);
        o.onDone?.();
      }),
    ),
  );
}

/** Options of {@link rebuildTimelines}. */
export interface RebuildTimelinesOptions {
  /** Users to rebuild; or `all` to walk every user of the source of truth in id order. */
  users: readonly UserId[] | "all";
  /** `all`: start after this user id. */
  after?: UserId | undefined;
  /** `all`: a file holding where to resume; written after every page, removed when the walk completes. */
  checkpoint?: string | undefined;
  /** Drop each timeline before rebuilding it (clears stale entries too). Default false: merge into what is there. */
  drop?: boolean | undefined;
  /** Rebuilds in flight. Default 8. */
  concurrency?: number | undefined;
}

/** What a rebuild did. */
export interface RebuildResult {
  rebuilt: number;
  /** Where the walk started: after this id (from --after or the checkpoint), or null from the first user. */
  resumedAfter: UserId | null;
  /** The last user rebuilt (in id order, for `all`). */
  lastUserId: UserId | null;
  dropped: boolean;
  seconds: number;
  perSecond: number;
}

interface Checkpoint {
  after: UserId;
  rebuilt: number;
  updatedAt: string;
}

async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read the checkpoint ${path}: ${(error as Error).message}`);
  }
  const data = JSON.parse(text) as Partial<Checkpoint>;
  if (!isId(data.after))
    throw new CliError(`checkpoint ${path} is not one this command wrote; delete it to start over`);
  return { after: data.after, rebuilt: Number(data.rebuilt ?? 0), updatedAt: String(data.updatedAt) };
}

/** Writes the checkpoint atomically (a reader never sees half a file). */
async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(checkpoint)}\n`);
  await rename(`${path}.tmp`, path);
}

/**
 * Rebuilds materialized timelines from the source of truth, through the engine's own rebuild (prepare, then fill with
 * the newest `cap` entries), so pushes landing meanwhile are kept. With `users: "all"` it walks every user in id
 * order a page at a time; the checkpoint file (or `after`) makes an interrupted run resumable, redoing at most one page.
 */
export async function rebuildTimelines(
  engine: FeedEngine,
  lister: UserIdLister | undefined,
  options: RebuildTimelinesOptions,
  progress: ProgressSink,
): Promise<RebuildResult> {
  if (engine.stores.timelines.capabilities.materializes === false) {
    throw new CliError(
      "the timeline store is none: (pull-only): nothing is materialized, so there is nothing to rebuild",
    );
  }
  const started = performance.now();
  const drop = options.drop ?? false;
  const concurrency = options.concurrency ?? 8;
  let rebuilt = 0;
  const result = (resumedAfter: UserId | null, lastUserId: UserId | null): RebuildResult => {
    const seconds = (performance.now() - started) / 1000;
    return {
      rebuilt,
      resumedAfter,
      lastUserId,
      dropped: drop,
      seconds,
      perSecond: seconds > 0 ? rebuilt / seconds : 0,
    };
  };

  if (options.users !== "all") {
    progress.start("Rebuilding timelines", options.users.length, "users");
    await rebuildUsers(engine, options.users, { drop, concurrency, onDone: () => progress.update(++rebuilt) });
    progress.end();
    return result(null, options.users.at(-1) ?? null);
  }

  if (lister === undefined) {
    throw new CliError(
      "rebuild --all walks every user of the source of truth, which this source cannot list; use postgres://",
    );
  }
  const saved = options.checkpoint === undefined ? undefined : await readCheckpoint(options.checkpoint);
  if (saved && options.after === undefined) {
    progress.log(
      `feed-engine: resuming after user ${saved.after} (checkpoint ${options.checkpoint}, saved ${saved.updatedAt})`,
    );
  }
  const resumedAfter = options.after ?? saved?.after ?? null;
  progress.start("Rebuilding timelines", await lister.count(resumedAfter ?? undefined), "users");
  let after = resumedAfter ?? undefined;
  for (;;) {
    const page = await lister.page(after, PAGE);
    if (page.length === 0) break;
    try {
      await rebuildUsers(engine, page, { drop, concurrency, onDone: () => progress.update(++rebuilt) });
    } catch (error) {
      const resume = after === undefined ? "from the start" : `with --after ${after}`;
      const how = options.checkpoint === undefined ? resume : `with the same --checkpoint`;
      const message = error instanceof Error ? error.message : String(error);
      throw new CliError(`${message}; ${rebuilt.toLocaleString("en-US")} timelines were rebuilt; resume ${how}`, {
        cause: error,
      });
    }
    after = page.at(-1)!;
    if (options.checkpoint !== undefined) {
      await writeCheckpoint(options.checkpoint, {
        after,
        rebuilt: rebuilt + (saved?.rebuilt ?? 0),
        updatedAt: new Date().toISOString(),
      });
    }
    if (page.length < PAGE) break;
  }
  progress.end();
  if (options.checkpoint !== undefined) await rm(options.checkpoint, { force: true });
  return result(resumedAfter, after ?? null);
}

/** Throws unless `after` sorts as a user id. */
export function checkAfter(after: string | undefined): UserId | undefined {
  if (after === undefined) return undefined;
  if (!isId(after)) throw new CliError(`--after must be a user id (got ${JSON.stringify(after)})`);
  return after;
}
