// The y-websocket reference server (y-websocket@1.5.4's bin/utils, the last
// release line that works with yjs 13), in memory. The benchmark runs it as a
// child process (plain `node`, erasable TypeScript only) and waits for the same
// "listening" line tandem-server logs.
import { createServer, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { type WebSocket, WebSocketServer } from "ws";

const { setupWSConnection } = createRequire(import.meta.url)("y-websocket/bin/utils") as {
  setupWSConnection(socket: WebSocket, request: IncomingMessage): void;
};

const server = createServer();
const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request));
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${port}` })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
