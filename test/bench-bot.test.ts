import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawData, WebSocketServer } from "ws";
import { Bot } from "../bench/src/load/bot.js";
import { hocuspocusProtocol } from "../bench/src/wire/protocols.js";

// Tandem's server pings a socket it has sent nothing for a while and closes
// one that stays silent; the benchmark's bots must answer as the provider
// does, or a quiet bot would be taken for a gone one.
describe("the benchmark's bot", () => {
  let server: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("answers a connection-level Ping with a Pong", async () => {
    const answered = new Promise<number[]>((resolve) => {
      server.once("connection", (socket) => {
        // Pinged once it has said hello (auth, sync step 1), as a quiet socket is; the answer is a one-byte frame.
        socket.once("message", () => socket.send(Uint8Array.of(9)));
        socket.on("message", (data: RawData) => {
          const bytes = [...(data as Buffer)];
          if (bytes.length === 1) resolve(bytes);
        });
      });
    });
    const bot = new Bot({ protocol: hocuspocusProtocol, baseUrl: url, documentName: "ping", name: "bot" });
    try {
      await bot.open();
      expect(await answered).toEqual([10]);
    } finally {
      bot.destroy();
    }
  });
});
