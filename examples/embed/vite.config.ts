import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

// In development the page's backend (server.ts) runs beside Vite: `node server.ts` on :5174.
const backend = process.env.EMBED_BACKEND ?? "http://localhost:5174";

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Inside this repository @tandem/client is used from its sources; an app installing it from npm needs nothing here.
    conditions: ["@tandem/source", ...defaultClientConditions],
    dedupe: ["react", "react-dom", "yjs", "y-protocols", "@tiptap/pm", "@tiptap/core", "@tiptap/react"],
  },
  server: { port: 5173, proxy: { "/api": backend } },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
