import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The console is served by Herald at /console/ (Workers Static Assets, or the Node runtime): the build goes to
// dist/console/ so that dist/ is laid out as the site's paths (dist/swagger-ui/ holds the API reference's files).
export default defineConfig(({ mode }) => ({
  base: "/console/",
  plugins: [react()],
  // React's production build unless `--mode development` (pnpm dev), whatever NODE_ENV the caller runs under (vitest
  // sets it to "test" when its config builds the console).
  define: { "process.env.NODE_ENV": JSON.stringify(mode === "development" ? "development" : "production") },
  build: { outDir: "dist/console", emptyOutDir: true, target: "es2022", reportCompressedSize: false },
  // `pnpm hot` (started by `npm run dev`): the console with hot reload at http://127.0.0.1:5173/console/, its calls to
  // Herald passed on to the local Herald, so the page talks to one origin as it does when Herald serves it.
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: Object.fromEntries(
      ["/herald", "/aims", "/swagger-ui", "/health"].map((path) => [
        path,
        { target: process.env.HERALD_URL ?? "http://127.0.0.1:8787", changeOrigin: false },
      ]),
    ),
  },
}));
