import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawData } from "ws";
import { Bot } from "../bench/src/load/bot.js";
import { hocuspocusProtocol } from "../bench/src/wire/protocols.js";
import { type LocalWsServer, startLocalWsServer } from "./support/local-ws-server.js";

// Tandem's server pings a socket it has sent nothing for a while and closes
// one that stays silent; the benchmark's bots must answer as the provider
// does, or a quiet bot would be taken for a gone one.
describe("the benchmark's bot", () => {
  let local: LocalWsServer;

  beforeAll(async () => {
    local = await startLocalWsServer();
  });
  afterAll(() => local.close());

  it("answers a connection-level Ping with a Pong", async () => {
    const answered = new Promise<number[]>((resolve) => {
      local.server.once("connection", (socket) => {
        // Pinged once it has said hello (auth, sync step 1), as a quiet socket is; the answer is a one-byte frame.
        socket.once("message", () => socket.send(Uint8Array.of(9)));
        socket.on("message", (data: RawData) => {
          const bytes = [...(data as Buffer)];
          if (bytes.length === 1) resolve(bytes);
        });
      });
    });
    const bot = new Bot({ protocol: hocuspocusProtocol, baseUrl: local.url, documentName: "ping", name: "bot" });
    try {
      await bot.open();
      expect(await answered).toEqual([10]);
    } finally {
      bot.destroy();
    }
  });
});
