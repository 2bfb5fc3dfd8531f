import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@feed-engine\/core\/testing$/, replacement: src("./packages/core/src/testing/index.ts") },
      { find: /^@feed-engine\/core$/, replacement: src("./packages/core/src/index.ts") },
      { find: /^@feed-engine\/adapter-redis$/, replacement: src("./packages/adapter-redis/src/index.ts") },
      { find: /^@feed-engine\/adapter-postgres$/, replacement: src("./packages/adapter-postgres/src/index.ts") },
      { find: /^@feed-engine\/adapter-kafka$/, replacement: src("./packages/adapter-kafka/src/index.ts") },
      { find: /^@feed-engine\/adapter-cassandra$/, replacement: src("./packages/adapter-cassandra/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    globalSetup: ["./test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
