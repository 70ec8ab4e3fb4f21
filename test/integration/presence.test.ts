import type { Extension } from "@hocuspocus/server";
import * as encoding from "lib0/encoding";
import { beforeAll, describe, expect, it } from "vitest";
import { frame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import {
  type Client,
  closeAfterTests,
  connect,
  type RunningServer,
  startServer,
  synced,
} from "../support/server-harness.js";
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

/**
 * A host extension that hooks awareness: with one, every awareness frame
 * goes Hocuspocus' way (through its hooks) instead of the presence
 * extension's short way, and both must stamp and refuse alike.
 */
function awarenessWatcher(seen: number[]): Extension {
  return {
    extensionName: "host-awareness-watcher",
    async beforeHandleAwareness({ states, connection }) {
      if (connection) seen.push(...states.keys());
    },
  };
}

const hostSaw: number[] = [];

describe.each([
  { way: "the short way", extensions: [] },
  { way: "Hocuspocus' way, for a host extension that hooks awareness", extensions: [awarenessWatcher(hostSaw)] },
])("presence identity is stamped by the server ($way)", ({ extensions }) => {
  let server: RunningServer;
  const { clients, sockets } = closeAfterTests(() => server);
  const open = (name: string, as: string) => {
    const client = connect(server.wsUrl, name, { token: as });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startServer({ extensions });
  });

  /** Eve on a raw socket of her own, authenticated for `name`: she can send frames no provider would. */
  async function rawEve(name: string): Promise<RawSocket> {
    const eve = await openRawSocket(server.wsUrl);
    sockets.push(eve);
    eve.send(
      frame(name, Auth, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarString(e, token("eve", "Eve"));
      }),
    );
    return eve;
  }

  /**
   * Ada and Bob in `name`, Ada's cursor at 1; then a network drop, after
   * which Ada's provider reconnects on its own to the document Bob keeps
   * loaded and moves her cursor to 2, which Bob sees.
   */
  async function reconnectedAda(name: string): Promise<{ ada: Client; bob: Client }> {
    const ada = open(name, token("ada", "Ada"));
    const bob = open(name, token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    ada.provider.setAwarenessField("cursor", 1);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 1, "bob sees ada's first cursor");
    ada.socket.webSocket?.close();
    await waitFor(() => ada.closeCodes.length === 1 && ada.provider.isSynced, "ada is back");
    ada.provider.setAwarenessField("cursor", 2);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 2, "bob sees ada's cursor after the reconnect");
    return { ada, bob };
  }

  it("replaces whatever user a client claims with the one from its token", async () => {
    const ada = open("spec/stamp", token("ada", "Ada", "#0090ff"));
    const bob = open("spec/stamp", token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    ada.provider.setAwarenessField("user", { id: "bob", name: "Bob (really)", color: "#000000" });
    ada.provider.setAwarenessField("cursor", 7);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 7, "bob sees ada's cursor");
    // The host's hook saw the frames exactly when it was there to see them.
    expect(hostSaw.includes(ada.doc.clientID)).toBe(extensions.length > 0);
    expect(stateOf(bob, ada.doc.clientID)?.user).toEqual({ id: "ada", name: "Ada", color: "#0090ff" });
  });

  it("labels a program as one, as its token says, and nobody else", async () => {
    const reviewer = open("spec/program", JSON.stringify({ id: "reviewer", name: "Reviewer", program: true }));
    const ada = open("spec/program", token("ada", "Ada"));
    await Promise.all([synced(reviewer), synced(ada)]);
    // A person cannot claim to be a program, nor a program to be a person: the server stamps the flag.
    reviewer.provider.setAwarenessField("user", { id: "reviewer", name: "Reviewer", program: false });
    ada.provider.setAwarenessField("user", { id: "ada", name: "Ada", program: true });
    await waitFor(
      () =>
        stateOf(ada, reviewer.doc.clientID)?.user !== undefined && stateOf(reviewer, ada.doc.clientID) !== undefined,
      "each sees the other",
    );
    expect(stateOf(ada, reviewer.doc.clientID)?.user).toMatchObject({ id: "reviewer", program: true });
    expect(stateOf(reviewer, ada.doc.clientID)?.user).not.toHaveProperty("program");
  });

  it("ignores states a connection sends for another connection's client id", async () => {
    const ada = open("spec/impersonate", token("ada", "Ada"));
    const bob = open("spec/impersonate", token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    bob.provider.setAwarenessField("cursor", 1);
    await waitFor(() => stateOf(ada, bob.doc.clientID)?.cursor === 1, "ada sees bob's cursor");

    const eve = await rawEve("spec/impersonate");
    const eveClientId = 4_000_000_001;
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

  it("does not relay a state over 8 KiB", async () => {
    const ada = open("spec/big-state", token("ada", "Ada"));
    const bob = open("spec/big-state", token("bob", "Bob"));
    await Promise.all([synced(ada), synced(bob)]);
    ada.provider.setAwarenessField("cursor", 1);
    await waitFor(() => stateOf(bob, ada.doc.clientID)?.cursor === 1, "bob sees ada's cursor");
    const seen: number[] = [];
    bob.provider.awareness?.on("change", () => {
      seen.push((stateOf(bob, ada.doc.clientID)?.notes as string | undefined)?.length ?? 0);
    });
    // Each state in a broadcast window of its own (the server sends only the latest state of a window):
    // an edit right behind it on the same socket, seen by bob, closes the window.
    for (const [size, mark] of [
      [100_000, "a"],
      [9_000, "b"],
    ] as const) {
      ada.provider.setAwarenessField("notes", "x".repeat(size));
      ada.text.insert(ada.text.length, mark);
      await waitFor(() => bob.text.toString().endsWith(mark), `bob sees the edit after the ${size} byte state`);
    }
    ada.provider.setAwarenessField("notes", "z".repeat(7_000));
    // The last one came after the others on the same socket: had they been relayed, bob saw them first.
    await waitFor(() => seen.includes(7_000), "bob sees the 7 KB state");
    expect(seen).not.toContain(100_000);
    expect(seen).not.toContain(9_000);
  });

  it("relays at most 4 awareness states per connection", async () => {
    const ada = open("spec/many-states", token("ada", "Ada"));
    await synced(ada);
    const eve = await rawEve("spec/many-states");
    const ids = [4_100_000_001, 4_100_000_002, 4_100_000_003, 4_100_000_004, 4_100_000_005, 4_100_000_006];
    eve.send(
      awarenessFrame(
        "spec/many-states",
        ids.map((id) => [id, 1, { cursor: id }]),
      ),
    );
    // One more state from eve after the six: once ada has it, she has all eve will ever get to show.
    eve.send(awarenessFrame("spec/many-states", [[ids[0] as number, 2, { cursor: "last" }]]));
    await waitFor(() => stateOf(ada, ids[0] as number)?.cursor === "last", "ada sees eve's last state");
    expect(ids.filter((id) => stateOf(ada, id) !== undefined)).toHaveLength(4);
  });

  it("keeps a reconnected client's presence working, and leaves no ghost when it goes", async () => {
    const { ada, bob } = await reconnectedAda("spec/reconnect");
    expect(stateOf(bob, ada.doc.clientID)?.user).toMatchObject({ id: "ada" });

    clients.splice(clients.indexOf(ada), 1);
    ada.destroy();
    await waitFor(() => stateOf(bob, ada.doc.clientID) === undefined, "ada's presence goes with her");
  });

  it("hands a client id to the connection that holds it now, and frees it when that one goes", async () => {
    // Ada's id moves to her new connection: her old one is gone, the new one must hold it from now on.
    const { ada, bob } = await reconnectedAda("spec/reclaim");

    const eve = await rawEve("spec/reclaim");
    const adaId = ada.doc.clientID;
    const eveId = 4_200_000_001;
    eve.send(
      awarenessFrame("spec/reclaim", [
        [adaId, 1_000_000, { cursor: 666 }],
        [eveId, 1, { cursor: 3 }],
      ]),
    );
    await waitFor(() => stateOf(bob, eveId) !== undefined, "bob sees eve's own state");
    expect(stateOf(bob, adaId)).toMatchObject({ cursor: 2, user: { id: "ada" } });

    // Once ada has left, nobody holds her id: a new claim to it is not refused on her behalf.
    clients.splice(clients.indexOf(ada), 1);
    ada.destroy();
    await waitFor(() => stateOf(bob, adaId) === undefined, "ada's presence goes with her");
    eve.send(awarenessFrame("spec/reclaim", [[adaId, 2_000_000, { cursor: 7 }]]));
    await waitFor(() => stateOf(bob, adaId)?.cursor === 7, "bob sees eve's state under the freed id");
    expect(stateOf(bob, adaId)?.user).toMatchObject({ id: "eve" });
  });
});
