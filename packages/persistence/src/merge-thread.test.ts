import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { Encoding, mergeStoredUpdates } from "./encoding.js";
import { MergeThread } from "./merge-thread.js";
import { typist } from "./testing/documents.js";

/** The nice value of each of this process's threads (Linux), by thread id. */
function threadNiceValues(): Map<string, number> {
  const values = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    // Field 19 of stat is the nice value; fields are counted past the command name's closing parenthesis.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    values.set(tid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
  }
  return values;
}

function storedDocument() {
  const writer = typist(7);
  writer.type(30);
  const snapshot = { data: Y.encodeStateAsUpdateV2(writer.doc), encoding: Encoding.V2 };
  const rows = writer.type(20).map((data) => ({ data, encoding: Encoding.V1 }));
  return { writer, snapshot, rows };
}

describe("MergeThread", () => {
  it("merges on its thread exactly as on the caller's, reporting the caller's rows that throw, leaving the input intact", async () => {
    const { writer, snapshot, rows } = storedDocument();
    const garbage = { data: new Uint8Array([0, 255, 255, 255]), encoding: Encoding.V1 };
    const input = [rows[0], garbage, ...rows.slice(1)].filter((row) => row !== undefined);
    const thread = new MergeThread();
    try {
      const merged = await thread.merge(snapshot, input);
      expect(merged.state).toEqual(mergeStoredUpdates(snapshot, input).state);
      expect(merged.unapplied.map(({ row }) => row)).toEqual([garbage]);
      expect(merged.unapplied[0]?.row).toBe(garbage);
      expect(merged.unapplied[0]?.error).toBeInstanceOf(Error);
      const doc = new Y.Doc();
      Y.applyUpdateV2(doc, merged.state);
      expect(doc.getText("t").toString()).toBe(writer.text.toString());
      // The caller's buffers were copied, not transferred away.
      expect(snapshot.data.byteLength).toBeGreaterThan(0);
      expect(input.every((row) => row.data.byteLength > 0)).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it("takes a snapshot's buffer for slices when the bytes are all of it, and copies a view of a larger one", async () => {
    const { writer, snapshot, rows } = storedDocument();
    const inLargerBuffer = new Uint8Array(snapshot.data.length + 8);
    inLargerBuffer.set(snapshot.data, 8);
    const view = { data: inLargerBuffer.subarray(8), encoding: snapshot.encoding };
    const thread = new MergeThread();
    try {
      for (const given of [view, snapshot]) {
        const { slices, unapplied } = await thread.slices(given, rows, false);
        const doc = new Y.Doc();
        for (const slice of slices) Y.applyUpdate(doc, slice);
        expect(doc.getText("t").toString()).toBe(writer.text.toString());
        expect(unapplied).toEqual([]);
      }
      // The view's bytes were copied: the buffer they share with other bytes is the caller's still.
      expect(view.data.byteLength).toBe(inLargerBuffer.byteLength - 8);
      // The whole buffer moved to the thread instead of being copied.
      expect(snapshot.data.byteLength).toBe(0);
      // Rows are copied as before: the caller names the ones that did not apply by its own rows.
      expect(rows.every((row) => row.data.byteLength > 0)).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it("fails a merge still waiting when it is closed, and starts afresh for the next", async () => {
    const { snapshot, rows } = storedDocument();
    const thread = new MergeThread();
    const waiting = thread.merge(snapshot, rows);
    await thread.close();
    await expect(waiting).rejects.toThrow(/closed during a merge/);
    const merged = await thread.merge(snapshot, rows);
    expect(merged.state).toEqual(mergeStoredUpdates(snapshot, rows).state);
    await thread.close();
  });

  it.runIf(process.platform === "linux")("runs at a lower priority than the thread that serves clients", async () => {
    const before = threadNiceValues();
    const own = before.get(String(process.pid)) ?? 0;
    const thread = new MergeThread();
    try {
      await thread.start();
      const started = [...threadNiceValues()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
      expect(started).toContain(Math.min(19, own + 10));
    } finally {
      await thread.close();
    }
  });

  it("does not keep the process alive while idle", async () => {
    // A process that starts the thread and forgets to close it must still exit by itself.
    const url = new URL("./merge-thread.ts", import.meta.url).href;
    const script = `import(${JSON.stringify(url)}).then(({ MergeThread }) => new MergeThread().start()).then(() => console.log("started"));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { timeout: 20_000 });
    expect(stdout.trim()).toBe("started");
  });
});
