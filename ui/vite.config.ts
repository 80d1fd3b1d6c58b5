import { defineConfig } from "vite";

// Relative asset paths: the same build is served by `tracelens serve` and
// loaded by the desktop app's webview.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});
