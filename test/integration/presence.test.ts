import * as encoding from "lib0/encoding";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dropSchema } from "../support/postgres.js";
import { frame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const Awareness = 1;
const Auth = 2;

/** Dev-mode tokens: the server stamps exactly this identity on the client's presence. */
const token = (id: string, name: string, color?: string) => JSON.stringify({ id, name, ...(color ? { color } : {}) });

function awarenessFrame(documentName: string, states: [clientId: number, clock: number, state: unknown][]): Uint8Array {
  return frame(documentName, Awareness, (encoder) => {
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, states.length);
    for (const [clientId, clock, state] of states) {
      encoding.writeVarUint(inner, clientId);
      encoding.writeVarUint(inner, clock);
      encoding.writeVarString(inner, JSON.stringify(state));
    }
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  });
}

/** The awareness state of `clientId` as `observer` sees it. */
function stateOf(observer: Client, clientId: number): Record<string, unknown> | undefined {
  return observer.provider.awareness?.getStates().get(clientId);
}

describe("presence identity is stamped by the server", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  const sockets: RawSocket[] = [];
  const open = (name: string, as: string) => {
    const client = connect(server.wsUrl, name, { token: as });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    for (const socket of sockets.splice(0)) socket.ws.terminate();
  });
  afterAll(async () => {
    await server.close();
    await dropSchema(server.schema);
  });

  it("replaces whatever user a client claims with the one from its token", async () => {
    const ada = open("spec/stamp", token("ada", "Ada", "#0090ff"));
    const bob = open("spec/stamp", token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    ada.provider.setAwarenessField("user", { id: "bob", name: "Bob (really)", color: "#000000" });
    ada.provider.setAwarenessField("cursor", 7);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 7, "bob sees ada's cursor");
    expect(stateOf(bob, ada.doc.clientID)?.user).toEqual({ id: "ada", name: "Ada", color: "#0090ff" });
  });

  it("ignores states a connection sends for another connection's client id", async () => {
    const ada = open("spec/impersonate", token("ada", "Ada"));
    const bob = open("spec/impersonate", token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    bob.provider.setAwarenessField("cursor", 1);
    await waitFor(() => stateOf(ada, bob.doc.clientID)?.cursor === 1, "ada sees bob's cursor");

    const eve = await openRawSocket(server.wsUrl);
    sockets.push(eve);
    const eveClientId = 4_000_000_001;
    eve.send(
      frame("spec/impersonate", Auth, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarString(e, token("eve", "Eve"));
      }),
    );
    // One frame: a state under Bob's client id (a far higher clock, so a naive server would take it) and one of her own.
    eve.send(
      awarenessFrame("spec/impersonate", [
        [bob.doc.clientID, 1_000_000, { user: { id: "bob", name: "Bob" }, cursor: 666 }],
        [eveClientId, 1, { user: { id: "bob", name: "Bob" }, cursor: 3 }],
      ]),
    );
    await waitFor(() => stateOf(ada, eveClientId) !== undefined, "ada sees eve's own state");
    expect(stateOf(ada, eveClientId)?.user).toMatchObject({ id: "eve", name: "Eve" });
    expect(stateOf(ada, bob.doc.clientID)).toMatchObject({ cursor: 1, user: { id: "bob", name: "Bob" } });
  });

  it("keeps a reconnected client's presence working, and leaves no ghost when it goes", async () => {
    const ada = open("spec/reconnect", token("ada", "Ada"));
    const bob = open("spec/reconnect", token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    ada.provider.setAwarenessField("cursor", 1);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 1, "bob sees ada's first cursor");

    // A network drop: the provider reconnects on its own, to the document Bob keeps loaded.
    ada.socket.webSocket?.close();
    await waitFor(() => ada.closeCodes.length === 1 && ada.provider.isSynced, "ada is back");
    ada.provider.setAwarenessField("cursor", 2);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 2, "bob sees ada's cursor after the reconnect");
    expect(stateOf(bob, ada.doc.clientID)?.user).toMatchObject({ id: "ada" });

    clients.splice(clients.indexOf(ada), 1);
    ada.destroy();
    await waitFor(() => stateOf(bob, ada.doc.clientID) === undefined, "ada's presence goes with her");
  });
});
