import { afterAll, afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import {
  type Client,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedInfo,
  storedText,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

describe("collaboration through a real server on Postgres", () => {
  const schema = freshSchemaName("collab");
  const clients: Client[] = [];
  let server: RunningServer | undefined;
  const open = (name: string) => {
    if (!server) throw new Error("no server");
    const client = connect(server.wsUrl, name);
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.close();
    server = undefined;
  });
  afterAll(() => dropSchema(schema));

  it("two clients converge, a late joiner gets everything, a restart keeps it", async () => {
    server = await startServer({ databaseSchema: schema });
    const ada = open("spec/converge");
    const bob = open("spec/converge");
    await Promise.all([synced(ada), synced(bob)]);

    ada.text.insert(0, "Hello from Ada. ");
    bob.text.insert(0, "Bob here. ");
    for (let i = 0; i < 50; i++) (i % 2 ? ada : bob).text.insert(0, `${i}`);
    await waitFor(() => ada.text.toString() === bob.text.toString() && ada.text.length > 70, "convergence");
    await Promise.all([ada.acknowledged(), bob.acknowledged()]);
    const expected = ada.text.toString();

    const late = open("spec/converge");
    await synced(late);
    expect(late.text.toString()).toBe(expected);

    // Everyone leaves: the document unloads, and its log is compacted into the snapshot.
    for (const client of clients.splice(0)) client.destroy();
    const url = server.url;
    await waitFor(async () => (await metric(url, "tandem_documents_loaded")) === 0, "the document unloads");
    await waitFor(async () => (await storedInfo(schema, "spec/converge"))?.pendingUpdates === 0, "compacted");

    const afterUnload = open("spec/converge");
    await synced(afterUnload);
    expect(afterUnload.text.toString()).toBe(expected);
    for (const client of clients.splice(0)) client.destroy();
    await server.close();
    server = await startServer({ databaseSchema: schema });
    const afterRestart = open("spec/converge");
    await synced(afterRestart);
    expect(afterRestart.text.toString()).toBe(expected);
  });

  it("a burst of keystrokes from one client shares group commits rather than taking one commit each", async () => {
    server = await startServer({ databaseSchema: schema });
    const ada = open("spec/burst");
    await synced(ada);
    const commits = () => metric(server?.url ?? "", "tandem_commit_seconds_count");
    const before = await commits();
    // Each transaction goes out as its own update message, as keystrokes do.
    for (let i = 0; i < 200; i++) ada.text.insert(i, "x");
    await ada.acknowledged();
    // Hocuspocus handles one connection's messages one at a time, so appends
    // started from its hook would commit one after another: 200 commits.
    expect((await commits()) - before).toBeLessThan(100);
    expect(await storedText(schema, "spec/burst")).toBe("x".repeat(200));
  });

  it("documents are isolated from each other", async () => {
    server = await startServer({ databaseSchema: schema });
    const a = open("idea/one");
    const b = open("idea/two");
    await Promise.all([synced(a), synced(b)]);
    a.text.insert(0, "only in one");
    await a.acknowledged();
    const again = open("idea/two");
    await synced(again);
    expect(again.text.toString()).toBe("");
    expect(Y.encodeStateVector(again.doc)).toEqual(Y.encodeStateVector(new Y.Doc()));
  });
});
