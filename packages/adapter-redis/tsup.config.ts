import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  // Lua scripts (and the files they include) are read from dist/lua at run time (see src/scripts.ts).
  onSuccess: "mkdir -p dist/lua/includes && cp src/lua/*.lua dist/lua/ && cp src/lua/includes/*.lua dist/lua/includes/",
});
