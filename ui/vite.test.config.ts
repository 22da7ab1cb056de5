import { defineConfig } from "vite";

// Builds the UI test harness (real UI + mocked IPC) into dist-test/.
export default defineConfig({
  root: ".",
  build: { target: "es2022", outDir: "dist-test", emptyOutDir: true, rollupOptions: { input: "test/harness.html" } },
});
