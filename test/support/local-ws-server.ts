import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

/** A bare `ws` server on 127.0.0.1, port 0: what a test's client talks to when the test plays the server. */
export interface LocalWsServer {
  readonly server: WebSocketServer;
  readonly url: string;
  /** Drops every client and stops listening. */
  close(): Promise<void>;
}

export async function startLocalWsServer(): Promise<LocalWsServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    server,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
