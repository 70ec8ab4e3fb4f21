import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

// The Tandem server the dev server forwards the API and the WebSocket to (`pnpm start` runs one on :1234).
const server = process.env.TANDEM_SERVER ?? "http://localhost:1234";

export default defineConfig({
  plugins: [react()],
  // Workspace packages from their TypeScript sources: no separate build step, and edits reload live.
  resolve: {
    conditions: ["@tandem/source", ...defaultClientConditions],
    // One copy of each: two Yjs or two React instances break in subtle ways.
    dedupe: ["react", "react-dom", "yjs", "y-protocols", "@tiptap/pm", "@tiptap/core", "@tiptap/react"],
  },
  server: {
    proxy: {
      "/api": server,
      "/collab": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
