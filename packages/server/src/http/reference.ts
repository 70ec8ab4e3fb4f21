import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { fileAt, fileResponse } from "./static-files.js";

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = "/api/openapi.json";

/** Where the API's reference page is served. */
export const REFERENCE_PATH = "/api/reference";

// Swagger UI's files, from its npm package: the page works offline and loads nothing from a CDN.
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const assets = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"];

// A script file rather than an inline script, so the page runs under `script-src 'self'`.
const boot = `window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: ${JSON.stringify(OPENAPI_PATH)}, dom_id: "#reference", deepLinking: true });
});
`;

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem REST API</title>
<link rel="icon" href="${REFERENCE_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${REFERENCE_PATH}/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${REFERENCE_PATH}/swagger-ui-bundle.js"></script>
<script src="${REFERENCE_PATH}/boot.js"></script>
</body>
</html>
`;

/** The OpenAPI document's `info`: what the API is, and how callers authenticate. */
const info = {
  title: "Tandem REST API",
  version: "1",
  description:
    "Documents, their content and history. Every call but this document needs `Authorization: Bearer <token>` " +
    "(the JWT the WebSocket takes); the token's roles decide what it may do, as on the WebSocket. " +
    "Errors are `{ error: { code, message } }`. See docs/api.md.",
};

/**
 * Serves the OpenAPI 3.1 document generated from the routes' zod schemas
 * (`/api/openapi.json`) and a reference page that reads it (`/api/reference`,
 * Swagger UI from its npm package). Both are public: they describe the API,
 * and say nothing about any document.
 */
export function mountReference<E extends Env>(app: OpenAPIHono<E>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A token signed with the server's AUTH_SECRET (see docs/server.md); in dev mode, optional.",
  });
  app.doc31(OPENAPI_PATH, { openapi: "3.1.0", info });
  app.get(REFERENCE_PATH, (c) => c.html(page, 200, { "cache-control": "no-cache" }));
  app.get(`${REFERENCE_PATH}/boot.js`, (c) =>
    c.body(boot, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
  );
  for (const asset of assets) {
    app.get(`${REFERENCE_PATH}/${asset}`, async (c) => {
      const file = await fileAt(join(swaggerDir, asset));
      if (file === undefined) return c.notFound();
      return fileResponse(c, file, "public, max-age=86400");
    });
  }
}
