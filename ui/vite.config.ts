import { defineConfig } from "vite";

// Tauri serves the built files; the dev server is used by `tauri dev` only.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
