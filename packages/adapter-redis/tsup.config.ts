import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  // Lua scripts are read from dist/lua at run time (see src/scripts.ts).
  onSuccess: "mkdir -p dist/lua && cp src/lua/*.lua dist/lua/",
});
