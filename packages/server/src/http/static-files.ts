import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import type { Context } from "hono";

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
<p>Collaboration WebSocket: <code>/collab</code>. REST API: <a href="/api/reference">/api/reference</a>.
Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, metrics: <a href="/metrics">/metrics</a>.</p>
</body>`;

/** A file on disk: its path, with what its ETag is made of. */
export interface FoundFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Serves files under `directory` (a single-page app: unknown paths get
 * index.html), or a small page saying the server is up when there is none.
 *
 * Each file has a weak ETag (see {@link fileResponse}), so a browser
 * revalidating gets a 304 without the body; files under `assets/`
 * (named by their content hash by Vite) are cached for a year, the rest
 * revalidated on every use. Compression and security headers are added by
 * the app's middleware.
 */
export function staticFiles(directory: string | undefined) {
  const root = directory === undefined ? undefined : resolve(directory);
  return async (c: Context): Promise<Response> => {
    if (root === undefined) return c.html(fallbackPage);
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.body(null, 400); // a malformed %-escape
    }
    // normalize() resolves `..`; a path that still leaves the root is refused (path traversal).
    const candidate = normalize(join(root, pathname));
    if (candidate !== root && !candidate.startsWith(root + sep)) return c.body(null, 404);
    const file = (await fileAt(candidate)) ?? (await fileAt(join(root, "index.html")));
    if (file === undefined) return c.body(null, 404);
    const immutable = file.path.includes(`${sep}assets${sep}`);
    return fileResponse(c, file, immutable ? "public, max-age=31536000, immutable" : "no-cache");
  };
}

/**
 * A file as the answer: its type from its extension, a weak ETag from its
 * size and modification time (a 304 when the request already has it), and
 * the body streamed from disk (none for HEAD).
 */
export function fileResponse(c: Context, file: FoundFile, cacheControl: string): Response {
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  const headers = {
    etag,
    "content-type": types[extname(file.path)] ?? "application/octet-stream",
    "cache-control": cacheControl,
  };
  if (matches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  const sized = { ...headers, "content-length": String(file.size) };
  // Hono answers HEAD through the GET route; a stream opened for it would never be read.
  if (c.req.method === "HEAD") return c.body(null, 200, sized);
  return c.body(Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>, 200, sized);
}

/** Whether an `If-None-Match` header names `etag` (compared weakly, as RFC 9110 says for it), or is `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

/** The file at `path`, or undefined when there is no (regular) file there. */
export async function fileAt(path: string): Promise<FoundFile | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}
