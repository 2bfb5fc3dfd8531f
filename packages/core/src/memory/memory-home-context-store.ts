import type { UserId } from "../ids/id.js";
import type { GraphStore } from "../ports/graph-store.js";
import type { HomeContext, HomeContextPage, HomeContextStore } from "../ports/home-context-store.js";
import type { PostStore } from "../ports/post-store.js";
import type { UserStore } from "../ports/user-store.js";
import { firstCandidates } from "../timeline/first-candidates.js";

/**
 * {@link HomeContextStore} over other stores, asking them one by one. In memory that costs nothing extra, so the
 * engine has no need of it; it exists so the contract and the engine's property suite cover the context path
 * without a server. Its graph store must list blocks (`blockedIds`).
 */
export class MemoryHomeContextStore implements HomeContextStore {
  readonly #users: UserStore;
  readonly #graph: GraphStore & Required<Pick<GraphStore, "blockedIds">>;
  readonly #posts: PostStore;

  constructor(stores: {
    users: UserStore;
    graph: GraphStore & Required<Pick<GraphStore, "blockedIds">>;
    posts: PostStore;
  }) {
    this.#users = stores.users;
    this.#graph = stores.graph;
    this.#posts = stores.posts;
  }

  async homeContext(readerId: UserId, page: HomeContextPage): Promise<HomeContext | undefined> {
    const [reader] = await this.#users.getMany([readerId]);
    if (reader === undefined) return undefined;
    const [followees, blocked] = await Promise.all([
      this.#graph.followeeIds(readerId),
      this.#graph.blockedIds(readerId),
    ]);
    const pulled = await this.#users.pulledAmong(followees);
    const { timeline, ...range } = page;
    const recent = await this.#posts.byAuthors([readerId, ...pulled], range);
    if (timeline === undefined) return { followees, pulled, blocked, recent };
    const hydrated = await this.#posts.hydrate(firstCandidates(timeline, recent, page.limit));
    return { followees, pulled, blocked, recent, hydrated };
  }
}
