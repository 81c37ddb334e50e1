import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The console is served by Herald at /console/ (Workers Static Assets, or the Node runtime): the build goes to
// dist/console/ so that dist/ is laid out as the site's paths (dist/swagger-ui/ holds the API reference's files).
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: { outDir: "dist/console", emptyOutDir: true, target: "es2022", reportCompressedSize: false },
});
