import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server-harness.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, unknown>>;
}

describe("the HTTP layer", () => {
  let server: RunningServer;
  let pages: string;
  let token: string;
  const script = `console.log(${JSON.stringify("tandem ".repeat(400))});\n`;

  beforeAll(async () => {
    pages = mkdtempSync(join(tmpdir(), "tandem-pages-"));
    mkdirSync(join(pages, "assets"));
    writeFileSync(join(pages, "index.html"), "<!doctype html><title>page</title>");
    writeFileSync(join(pages, "assets", "app-1234.js"), script);
    server = await startServer({ authSecret: secret, staticDir: pages });
    token = await signToken(secret, { sub: "ada", name: "Ada", access: { "*": "owner" } });
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
    rmSync(pages, { recursive: true, force: true });
  });

  it("describes every API route in a valid OpenAPI 3.1 document", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    const validation = await new Validator().validate(document as never);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");

    const app = server.server.app;
    if (app === undefined) throw new Error("the server has no app");
    // Every method-specific route under /api but the reference page's own files is documented.
    const routes = app.routes
      .filter((route) => route.method !== "ALL" && route.path.startsWith("/api/"))
      .filter((route) => !route.path.startsWith("/api/reference") && route.path !== "/api/openapi.json")
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(routes.length).toBeGreaterThan(5);
    expect(new Set(documented)).toEqual(new Set(routes));
  });

  it("serves a reference page that loads nothing from elsewhere", async () => {
    const page = await fetch(`${server.url}/api/reference`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const answer = await fetch(`${server.url}${asset}`);
      expect([asset, answer.status]).toEqual([asset, 200]);
    }
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("serves the page's files with ETags, compression and security headers", async () => {
    const url = `${server.url}/assets/app-1234.js`;
    const first = await fetch(url, { headers: { "accept-encoding": "gzip" } });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(script);
    expect(first.headers.get("content-encoding")).toBe("gzip");
    expect(first.headers.get("cache-control")).toContain("immutable");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"/);
    const again = await fetch(url, { headers: { "if-none-match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const head = await fetch(url, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([
      200,
      String(Buffer.byteLength(script)),
      "",
    ]);

    // A single-page app: unknown paths get index.html, revalidated on every use.
    const page = await fetch(`${server.url}/d/spec/abc`);
    expect(await page.text()).toContain("<title>page</title>");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    for (const answer of [page, first, await fetch(`${server.url}/api/session`)]) {
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
      expect(answer.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
    // Path traversal, encoded or not, stays inside the directory.
    for (const path of ["/..%2F..%2Fetc%2Fpasswd", "/assets/..%2F..%2F..%2Fetc%2Fpasswd"]) {
      const answer = await fetch(`${server.url}${path}`);
      expect(await answer.text(), path).not.toContain("root:");
    }
  });

  it("answers what it does not serve with JSON: 404 under /api, 405 for a method a path does not take", async () => {
    const post = await fetch(`${server.url}/d/spec/abc`, { method: "POST" });
    expect([post.status, ((await post.json()) as { error: { code: string } }).error.code]).toEqual([
      405,
      "method-not-allowed",
    ]);
    const unknown = await fetch(`${server.url}/api/documents/spec%2Fa/nothing`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("routes a document name sent as it is or with its slashes encoded", async () => {
    const created = await fetch(`${server.url}/api/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "spec", title: "Both ways" }),
    });
    const { name } = (await created.json()) as { name: string };
    for (const path of [name, encodeURIComponent(name)]) {
      for (const resource of ["", "/versions", "/authorship"]) {
        const answer = await fetch(`${server.url}/api/documents/${path}${resource}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect([path, resource, answer.status]).toEqual([path, resource, 200]);
      }
    }
  });
});
