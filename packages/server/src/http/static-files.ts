import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { requestPath } from "./request-path.js";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

const fallbackPage = `<!doctype html><meta charset="utf-8"><title>Tandem</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Tandem server is up</h1>
<p>Collaboration WebSocket: <code>/collab</code>. Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, metrics: <a href="/metrics">/metrics</a>.</p>
<p>Build the standalone page (<code>pnpm build</code>) to serve it here.</p></body>`;

/**
 * Serves files under `directory` (a single-page app: unknown paths get
 * index.html), or a small page saying the server is up when there is none.
 */
export function staticFiles(directory: string | undefined) {
  const root = directory === undefined ? undefined : resolve(directory);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (root === undefined) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fallbackPage);
      return;
    }
    const pathname = decodedPath(request.url);
    if (pathname === undefined) {
      response.writeHead(400).end();
      return;
    }
    // normalize() resolves `..`; a path that still leaves the root is refused (path traversal).
    const candidate = normalize(join(root, pathname));
    if (candidate !== root && !candidate.startsWith(root + sep)) {
      response.writeHead(404).end();
      return;
    }
    const file = (await isFile(candidate)) ? candidate : join(root, "index.html");
    const immutable = file.includes(`${sep}assets${sep}`);
    response.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
    createReadStream(file)
      .on("error", () => response.destroy())
      .pipe(response);
  };
}

function decodedPath(target: string | undefined): string | undefined {
  const path = requestPath(target);
  if (path === undefined) return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined; // a malformed %-escape
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
