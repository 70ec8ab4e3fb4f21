import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawWebSocket } from "../bench/src/wire/websocket.js";
import { type LocalWsServer, startLocalWsServer } from "./support/local-ws-server.js";

// The benchmark's own WebSocket client reads what servers send; a join
// storm's clients skim large messages instead of putting them together.
describe("the benchmark's raw WebSocket client", () => {
  let local: LocalWsServer;
  let url: string;

  beforeAll(async () => {
    local = await startLocalWsServer();
    url = local.url;
    const { server } = local;
    // Each connection gets: a small message, a large one whole, a large one in three fragments with a ping
    // between them, and a small one again.
    server.on("connection", (socket) => {
      const large = (seed: number) => Uint8Array.from({ length: 200_000 }, (_, i) => (i * seed) & 0xff);
      socket.send(Uint8Array.of(1, 2, 3));
      socket.send(large(3));
      const fragmented = large(5);
      socket.send(fragmented.subarray(0, 100), { fin: false });
      socket.ping();
      socket.send(fragmented.subarray(100, 150_000), { fin: false });
      socket.send(fragmented.subarray(150_000), { fin: true });
      socket.send(Uint8Array.of(4, 5));
    });
  });

  afterAll(() => local.close());

  /** Every message a client hears until the last small one, whole or skimmed. */
  async function heard(skims: boolean): Promise<{ whole: number[][]; skimmed: { head: number[]; length: number }[] }> {
    const whole: number[][] = [];
    const skimmed: { head: number[]; length: number }[] = [];
    let socket: RawWebSocket | undefined;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (data: Uint8Array) => {
        whole.push(data.length > 8 ? [data.length, data[0] as number, data.at(-1) as number] : [...data]);
        if (data.length === 2) resolve();
      };
      RawWebSocket.open(url, {
        onMessage,
        onClose: (code) => reject(new Error(`closed with ${code}`)),
        ...(skims ? { onLargeMessage: (head, length) => skimmed.push({ head: [...head], length }) } : {}),
      }).then((opened) => {
        socket = opened;
      }, reject);
    });
    socket?.destroy();
    return { whole, skimmed };
  }

  it("puts large and fragmented messages together when not asked to skim", async () => {
    const { whole, skimmed } = await heard(false);
    expect(whole).toEqual([
      [1, 2, 3],
      [200_000, 0, (199_999 * 3) & 0xff],
      [200_000, 0, (199_999 * 5) & 0xff],
      [4, 5],
    ]);
    expect(skimmed).toEqual([]);
  });

  it("skims a large message and a fragmented one: their first 256 bytes and their length", async () => {
    const { whole, skimmed } = await heard(true);
    expect(whole).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    const start = (seed: number) => Array.from({ length: 256 }, (_, i) => (i * seed) & 0xff);
    expect(skimmed).toEqual([
      { head: start(3), length: 200_000 },
      { head: start(5), length: 200_000 },
    ]);
  });
});
