/**
 * The host app's backend: the one piece of server code an integrator writes.
 *
 * Your app already knows who is signed in (here: a demo cookie). When its page
 * wants to show a collaborative editor, it asks this backend for a token; the
 * backend signs a short-lived JWT with the Tandem server's AUTH_SECRET, naming
 * the user and the documents they may open with which role. The browser hands
 * the token to Tandem; Tandem checks the signature and enforces the role.
 * The secret never leaves your servers.
 *
 *   AUTH_SECRET=… TANDEM_URL=ws://localhost:1234/collab node server.ts
 *
 * Serves the built page (dist/) too, so one process runs the whole example.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { SignJWT } from "jose";

const secret = process.env.AUTH_SECRET ?? "";
if (secret.length < 32) {
  console.error("Set AUTH_SECRET to the Tandem server's secret (at least 32 characters).");
  process.exit(1);
}
const key = new TextEncoder().encode(secret);
const tandemUrl = process.env.TANDEM_URL ?? "ws://localhost:1234/collab";
const port = Number(process.env.PORT ?? 5174);
const dist = join(import.meta.dirname, "dist");

/** Your users, as your app knows them. The role decides what Tandem lets each one do. */
const users = {
  ada: { name: "Ada Lovelace", color: "#0090ff", role: "editor" },
  grace: { name: "Grace Hopper", color: "#d6409f", role: "commenter" },
  linus: { name: "Linus Pauling", color: "#30a46c", role: "viewer" },
} as const;
type UserId = keyof typeof users;

const isUserId = (value: unknown): value is UserId => typeof value === "string" && Object.hasOwn(users, value);

/** Who is signed in to the host app. A real app reads its own session here. */
function signedInUser(request: IncomingMessage): UserId {
  const cookie = /(?:^|;\s*)demo_user=([a-z]+)/.exec(request.headers.cookie ?? "")?.[1];
  return isUserId(cookie) ? cookie : "ada";
}

/**
 * The endpoint to copy: a JWT for the signed-in user, valid for 15 minutes
 * (the editor asks again when Tandem says it expired), allowing only the
 * documents this app shows them: here, ticket notes.
 */
async function issueToken(userId: UserId): Promise<string> {
  const user = users[userId];
  return new SignJWT({ name: user.name, color: user.color, access: { "ticket/*": user.role } })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("15m")
    .sign(key);
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  response.end(JSON.stringify(body));
}

async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  const candidate = normalize(join(dist, pathname));
  // Stay inside dist/ (path traversal).
  if (!candidate.startsWith(dist + sep) && candidate !== dist) return json(response, 404, { error: "not found" });
  const isFile = await stat(candidate).then(
    (info) => info.isFile(),
    () => false,
  );
  const file = isFile ? candidate : join(dist, "index.html");
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  response.writeHead(200, { "content-type": `${types[extname(file)] ?? "application/octet-stream"}; charset=utf-8` });
  createReadStream(file)
    .on("error", () => response.destroy())
    .pipe(response);
}

const server = createServer((request, response) => {
  const { pathname, searchParams } = new URL(request.url ?? "/", "http://localhost");
  const handle = async () => {
    if (request.method === "GET" && pathname === "/api/tandem-token") {
      const userId = signedInUser(request);
      return json(response, 200, {
        token: await issueToken(userId),
        url: tandemUrl,
        user: { id: userId, ...users[userId] },
      });
    }
    if (request.method === "POST" && pathname === "/api/switch-user") {
      // Demo only: lets you try each role from one browser. A real app has a login here.
      const userId = searchParams.get("user");
      if (!isUserId(userId)) return json(response, 400, { error: "unknown user" });
      return json(response, 200, { ok: true }, { "set-cookie": `demo_user=${userId}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (request.method === "GET") return serveFile(request, response);
    return json(response, 405, { error: "method not allowed" });
  };
  handle().catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) json(response, 500, { error: "internal error" });
    else response.destroy();
  });
});

server.listen(port, () => {
  process.stdout.write(`Embed example on http://localhost:${port} (Tandem at ${tandemUrl})\n`);
});
