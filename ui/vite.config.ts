import { defineConfig, type Plugin } from "vite";

/** Test builds leave a `test-hooks` file in dist/, so that scripts/run.sh can tell such a build
 * from a release one (and rebuild before making a release app from it). */
const hooksMarker = (on: boolean): Plugin => ({
  name: "caiji-test-hooks-marker",
  apply: "build",
  generateBundle() {
    if (on) this.emitFile({ type: "asset", fileName: "test-hooks", source: "This frontend was built with the test hooks (vite build --mode e2e): not for release.\n" });
  },
});

// Tauri serves the built files; the dev server is used by `tauri dev` only.
// `vite build --mode e2e` (npm run build:e2e) adds the test hooks (src/hooks.ts): window.caiji and
// the counters on <body> the end-to-end tests wait on. Any other build leaves them out entirely.
export default defineConfig(({ mode }) => ({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  define: { __TEST_HOOKS__: JSON.stringify(mode === "e2e") },
  plugins: [hooksMarker(mode === "e2e")],
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
}));
