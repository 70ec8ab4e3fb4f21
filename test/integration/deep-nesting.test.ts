import { createPostgresStore } from "@tandem/persistence";
import { CloseCodes, DocumentFields } from "@tandem/protocol";
import type { TandemServer } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl } from "../support/postgres.js";
import { authFrame, openRawSocket, updateFrame } from "../support/raw-socket.js";
import {
  connect,
  metric,
  type RunningServer,
  startServer,
  storedDoc,
  storedInfo,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

/** The server's cap (MAX_NESTING_DEPTH in packages/server/src/documents/nesting.ts). */
const MAX_NESTING_DEPTH = 100;

/** Nests `levels` Y.Maps under `meta.deep`, one level at a time (a nested prelim type would recurse as it integrates). */
function nestMaps(doc: Y.Doc, levels: number): void {
  let map = doc.getMap(DocumentFields.meta);
  let key = "deep";
  for (let level = 0; level < levels; level++) {
    const child = new Y.Map<unknown>();
    map.set(key, child);
    map = child;
    key = "a";
  }
}

/** Nests `levels` XmlElements in the body, each inside the one before. */
function nestElements(doc: Y.Doc, levels: number): void {
  let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(DocumentFields.content);
  for (let level = 0; level < levels; level++) {
    const child = new Y.XmlElement("blockquote");
    parent.insert(0, [child]);
    parent = child;
  }
}

/** How deep Y.Maps nest under `meta.deep` in `doc`. */
function mapDepth(doc: Y.Doc): number {
  let depth = 0;
  for (let value = doc.getMap(DocumentFields.meta).get("deep"); value instanceof Y.Map; value = value.get("a")) depth++;
  return depth;
}

describe("documents nested absurdly deep", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  const loaded = () => server.server.hocuspocus?.getDocumentsCount() ?? -1;

  /** Sends `updates` on an authenticated raw socket, one frame each, and resolves with the close code. */
  async function send(documentName: string, updates: Uint8Array[]): Promise<number> {
    const socket = await openRawSocket(server.wsUrl);
    socket.send(authFrame(documentName));
    for (const update of updates) socket.send(updateFrame(documentName, update));
    return (await socket.closed).code;
  }

  it.each([
    ["an XmlElement nested 5,000 deep", (doc: Y.Doc) => nestElements(doc, 5_000)],
    ["a Y.Map nested 5,000 deep under meta", (doc: Y.Doc) => nestMaps(doc, 5_000)],
  ])("%s in one update: 4400, nothing stored, and the document unloads", async (_, build) => {
    const name = `spec/deep-${Math.random().toString(36).slice(2)}`;
    const doc = new Y.Doc();
    doc.transact(() => build(doc));
    expect(await send(name, [Y.encodeStateAsUpdate(doc)])).toBe(CloseCodes.MalformedMessage.code);
    await waitFor(() => loaded() === 0, "the document unloads");
    expect(await storedInfo(server.schema, name)).toBeNull();
  });

  it("nesting built up one level per update is refused at the cap, after the levels below it were stored", async () => {
    const name = "spec/deep-stepwise";
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    nestMaps(doc, MAX_NESTING_DEPTH + 20);
    const refusedBefore = await metric(server.url, 'tandem_errors_total{code="nesting-refused"}');
    expect(await send(name, updates)).toBe(CloseCodes.MalformedMessage.code);
    expect(await metric(server.url, 'tandem_errors_total{code="nesting-refused"}')).toBe(refusedBefore + 1);
    await waitFor(() => loaded() === 0, "the document unloads");
    // `meta` is a root type (depth 0): its entries nest from depth 1.
    expect(mapDepth(await storedDoc(server.schema, name))).toBe(MAX_NESTING_DEPTH);
  });

  it("a provider's document nested well within the cap syncs and is acknowledged", async () => {
    const client = connect(server.wsUrl, "spec/deep-enough");
    const witness = connect(server.wsUrl, "spec/deep-enough");
    try {
      await Promise.all([synced(client), synced(witness)]);
      client.doc.transact(() => nestElements(client.doc, 60));
      await client.acknowledged();
      await waitFor(
        () =>
          witness.doc.getXmlFragment(DocumentFields.content).toString() ===
          client.doc.getXmlFragment(DocumentFields.content).toString(),
        "the witness has the nested body",
      );
      expect(client.closeCodes).toEqual([]);
    } finally {
      client.destroy();
      witness.destroy();
    }
  });

  it("a document stored deep before the cap existed still mirrors its metadata, unloads and compacts", async () => {
    const name = "spec/deep-legacy";
    const store = await createPostgresStore({ connectionString: databaseUrl, schema: server.schema });
    try {
      const legacy = new Y.Doc();
      legacy.getText(DocumentFields.title).insert(0, "Old and deep");
      legacy.getMap(DocumentFields.meta).set("status", "approved");
      legacy.getMap(DocumentFields.meta).set("kind", "spec");
      // Deep enough that Y.Map#toJSON overflows the stack.
      legacy.transact(() => nestMaps(legacy, 5_000));
      await store.append(name, Y.encodeStateAsUpdate(legacy));
    } finally {
      await store.close();
    }
    const client = connect(server.wsUrl, name);
    try {
      await synced(client);
      expect(mapDepth(client.doc)).toBe(5_000);
      client.doc.getText(DocumentFields.title).insert(0, "Still ");
      await client.acknowledged();
    } finally {
      client.destroy();
    }
    await waitFor(() => loaded() === 0, "the document unloads");
    await waitFor(async () => (await storedInfo(server.schema, name))?.pendingUpdates === 0, "the log is compacted");
    const info = await storedInfo(server.schema, name);
    expect(info?.metadata).toMatchObject({ title: "Still Old and deep", kind: "spec", status: "approved" });
  });

  // Last: the failing hook stays in place.
  it("a document hook that fails never pins a document in memory: it unloads and compacts anyway, and the failure is counted", async () => {
    const hocuspocus = server.server.hocuspocus;
    if (!hocuspocus) throw new Error("the server is not listening");
    // Whatever throws in the hooks Hocuspocus waits on before it unloads a document.
    const failing: NonNullable<TandemServer["hocuspocus"]>["configuration"]["extensions"][number] = {
      extensionName: "test-failing-store",
      async onStoreDocument() {
        throw new RangeError("Maximum call stack size exceeded");
      },
    };
    hocuspocus.configuration.extensions.push(failing);
    const client = connect(server.wsUrl, "spec/pinned");
    try {
      await synced(client);
      client.text.insert(0, "written");
      await client.acknowledged();
    } finally {
      client.destroy();
    }
    await waitFor(() => hocuspocus.getDocumentsCount() === 0, "the document unloads");
    await waitFor(
      async () => (await storedInfo(server.schema, "spec/pinned"))?.pendingUpdates === 0,
      "the log is compacted",
    );
    expect(await metric(server.url, 'tandem_errors_total{code="hook-failed"}')).toBeGreaterThanOrEqual(1);
  });
});
