import type { Document } from "@hocuspocus/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { LiveDocuments } from "../live-documents.js";
import { broadcastWindow, broadcastWindowMs, editWindowMs } from "./broadcast-window.js";

describe("the broadcast window", () => {
  it("is closed for small documents and grows with the crowd, an edit's half as long", () => {
    expect([100, 101, 500, 1000, 5000].map(broadcastWindowMs)).toEqual([0, 4, 20, 40, 40]);
    expect([100, 101, 500, 1000, 5000].map((connections) => editWindowMs(broadcastWindowMs(connections)))).toEqual([
      0, 2, 10, 20, 20,
    ]);
  });

  describe("in a document of 1,000 connections", () => {
    let document: Document | undefined;
    afterEach(() => {
      vi.useRealTimers();
      document?.destroy();
    });

    /** A loaded document with the window of 1,000 connections, its flushes counted. */
    async function crowdedDocument(): Promise<{ document: Document; flushes: () => number }> {
      const live = new LiveDocuments({ quiet: true, extensions: [broadcastWindow()] }, () => {});
      await live.openDirectConnection("spec/crowd");
      const loaded = live.documents.get("spec/crowd");
      if (loaded === undefined) throw new Error("not loaded");
      document = loaded;
      loaded.flushDelay = broadcastWindowMs(1000);
      const flush = vi.spyOn(loaded, "flush");
      vi.useFakeTimers();
      return { document: loaded, flushes: () => flush.mock.calls.length };
    }

    it("broadcasts an edit after the edit window, with whatever else arrived in it", async () => {
      const { document, flushes } = await crowdedDocument();
      document.getText("t").insert(0, "a");
      vi.advanceTimersByTime(15);
      document.getText("t").insert(1, "b");
      vi.advanceTimersByTime(4);
      expect(flushes()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(flushes()).toBe(1);
      // The window Hocuspocus opened for the first edit was closed by that flush.
      vi.advanceTimersByTime(40);
      expect(flushes()).toBe(1);
    });

    it("lets presence alone wait for the whole window", async () => {
      const { document, flushes } = await crowdedDocument();
      const other = new Awareness(new Y.Doc());
      other.setLocalState({ cursor: 1 });
      applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(other, [other.clientID]), "test");
      vi.advanceTimersByTime(39);
      expect(flushes()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(flushes()).toBe(1);
    });
  });
});
