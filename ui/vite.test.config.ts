import { defineConfig } from "vite";

// Builds the UI test harness (real UI + mocked IPC) into dist-test/, with the test hooks.
export default defineConfig({
  root: ".",
  define: { __TEST_HOOKS__: "true" },
  build: { target: "es2022", outDir: "dist-test", emptyOutDir: true, rollupOptions: { input: "test/harness.html" } },
});
