import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import { type Client, connect, type ServerProcess, startServerProcess, synced } from "../support/server-harness.js";

describe("acknowledged means durable", () => {
  const schema = freshSchemaName("kill");
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    for (const process of processes) process.child.kill("SIGKILL");
    await Promise.all(processes.map((process) => process.exited));
    await dropSchema(schema);
  });

  it("SIGKILL right after the providers report synced loses no acknowledged edit", async () => {
    const first = await startServerProcess({ DATABASE_SCHEMA: schema });
    processes.push(first);
    const writers: Client[] = [0, 1, 2].map(() => connect(first.wsUrl, "spec/durable"));
    await Promise.all(writers.map(synced));
    for (let round = 0; round < 40; round++) {
      writers.forEach((writer, i) => {
        writer.text.insert(writer.text.length, `w${i}r${round};`);
      });
    }
    await Promise.all(writers.map((writer) => writer.acknowledged()));
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const expected = new Y.Doc();
    for (const writer of writers) Y.applyUpdate(expected, Y.encodeStateAsUpdate(writer.doc));
    for (const writer of writers) writer.destroy();

    const second = await startServerProcess({ DATABASE_SCHEMA: schema });
    processes.push(second);
    const reader = connect(second.wsUrl, "spec/durable");
    await synced(reader);
    const text = reader.text.toString();
    reader.destroy();
    for (let i = 0; i < 3; i++) for (let round = 0; round < 40; round++) expect(text).toContain(`w${i}r${round};`);
    expect(text).toBe(expected.getText("t").toString());
  });
});
