/** The operations a load test mixes. */
export const OPERATIONS = ["read", "profile", "post", "follow", "like"] as const;

/** One kind of operation: a home read, a profile (user timeline) read, a post, a follow or a like. */
export type Operation = (typeof OPERATIONS)[number];

/** Weight of each operation; only the ratios matter. */
export type WorkloadMix = Record<Operation, number>;

/** Read-heavy, like a social app: most requests read a home timeline. */
export const DEFAULT_MIX: WorkloadMix = { read: 80, profile: 10, post: 5, follow: 3, like: 2 };

/** What each operation does, for help text and reports. */
export const OPERATION_DESCRIPTIONS: Record<Operation, string> = {
  read: "home timeline read (20 items)",
  profile: "profile read: a user's own posts (20 items)",
  post: "post by a user",
  follow: "follow between two users",
  like: "like of a recent post",
};

/**
 * Parses `read=80,profile=10,post=5,follow=3,like=2`. Operations left out weigh 0; at least one must weigh more than 0.
 * Throws an `Error` whose message says what is wrong.
 */
export function parseMix(text: string): WorkloadMix {
  const mix: WorkloadMix = { read: 0, profile: 0, post: 0, follow: 0, like: 0 };
  const seen = new Set<string>();
  for (const part of text.split(",")) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match)
      throw new Error(`expected name=weight pairs like ${showMix(DEFAULT_MIX)} (got ${JSON.stringify(part)})`);
    const [, name, weight] = match;
    if (!(OPERATIONS as readonly string[]).includes(name!)) {
      throw new Error(`unknown operation ${JSON.stringify(name)}; known: ${OPERATIONS.join(", ")}`);
    }
    if (seen.has(name!)) throw new Error(`${name} is given twice`);
    seen.add(name!);
    mix[name as Operation] = Number(weight);
  }
  if (OPERATIONS.every((op) => mix[op] === 0)) throw new Error("every weight is 0: nothing to do");
  return mix;
}

/** `read=80,profile=10,...`, the operations that weigh more than 0. */
export function showMix(mix: WorkloadMix): string {
  return OPERATIONS.filter((op) => mix[op] > 0)
    .map((op) => `${op}=${mix[op]}`)
    .join(",");
}

/** Picks operations at random in the proportions of `mix`, from a `[0, 1)` random source. */
export function mixPicker(mix: WorkloadMix, random: () => number): () => Operation {
  const total = OPERATIONS.reduce((sum, op) => sum + mix[op], 0);
  const ops = OPERATIONS.filter((op) => mix[op] > 0);
  const bounds: number[] = [];
  let cumulative = 0;
  for (const op of ops) {
    cumulative += mix[op] / total;
    bounds.push(cumulative);
  }
  return () => {
    const u = random();
    for (let i = 0; i < ops.length - 1; i++) if (u < bounds[i]!) return ops[i]!;
    return ops[ops.length - 1]!;
  };
}
