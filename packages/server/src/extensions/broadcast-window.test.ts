import type { Document } from "@hocuspocus/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { LiveDocuments } from "../live-documents.js";
import {
  broadcastWindow,
  broadcastWindowMs,
  editWindowMs,
  HOT_EDIT_WINDOW_MS,
  HOT_EDITS_PER_SECOND,
  RATE_INTERVAL_MS,
} from "./broadcast-window.js";

describe("the broadcast window", () => {
  let document: Document | undefined;
  afterEach(() => {
    vi.useRealTimers();
    document?.destroy();
    document = undefined;
  });

  /**
   * A loaded document that counts `connections` (all the window reads of its
   * crowd), with that crowd's window, its flushes counted, under fake timers
   * (`performance.now` included).
   */
  async function loadedDocument(connections: number): Promise<{ document: Document; flushes: () => number }> {
    const live = new LiveDocuments({ quiet: true, extensions: [broadcastWindow()] }, () => {});
    await live.openDirectConnection("spec/window");
    const loaded = live.documents.get("spec/window");
    if (loaded === undefined) throw new Error("not loaded");
    document = loaded;
    vi.spyOn(loaded, "getConnectionsCount").mockReturnValue(connections);
    loaded.flushDelay = broadcastWindowMs(connections);
    const flush = vi.spyOn(loaded, "flush");
    vi.useFakeTimers();
    return { document: loaded, flushes: () => flush.mock.calls.length };
  }

  it("is closed for small documents and grows with the crowd, an edit's half as long", () => {
    expect([100, 101, 500, 1000, 5000].map(broadcastWindowMs)).toEqual([0, 4, 20, 40, 40]);
    expect([100, 101, 500, 1000, 5000].map((connections) => editWindowMs(broadcastWindowMs(connections)))).toEqual([
      0, 2, 10, 20, 20,
    ]);
  });

  describe("in a document of 1,000 connections", () => {
    it("broadcasts an edit after the edit window, with whatever else arrived in it", async () => {
      const { document, flushes } = await loadedDocument(1000);
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
      const { document, flushes } = await loadedDocument(1000);
      const other = new Awareness(new Y.Doc());
      other.setLocalState({ cursor: 1 });
      applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(other, [other.clientID]), "test");
      vi.advanceTimersByTime(39);
      expect(flushes()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(flushes()).toBe(1);
    });
  });

  describe("in a document edited faster than a person types", () => {
    /** Edits `document` `count` times, evenly over `ms`. */
    function type(document: Document, count: number, ms: number): void {
      for (let i = 0; i < count; i++) {
        document.getText("t").insert(0, "a");
        vi.advanceTimersByTime(ms / count);
      }
    }

    it("broadcasts each turn's edits at its end while they come at human speed", async () => {
      const { document, flushes } = await loadedDocument(1);
      type(document, 50, 2 * RATE_INTERVAL_MS);
      expect(flushes()).toBe(50);
      expect(document.flushDelay).toBe(0);
    });

    it("gathers edits for a short window once they come 1,000 times a second, and stops when they slow down", async () => {
      const { document, flushes } = await loadedDocument(1);
      const edits = (HOT_EDITS_PER_SECOND * RATE_INTERVAL_MS) / 1000;
      type(document, edits, RATE_INTERVAL_MS);
      // The interval's count is judged at the next edit, which still goes alone.
      type(document, 1, 0);
      expect(flushes()).toBe(edits + 1);
      expect(document.flushDelay).toBe(HOT_EDIT_WINDOW_MS);

      document.getText("t").insert(0, "b");
      vi.advanceTimersByTime(HOT_EDIT_WINDOW_MS / 2);
      document.getText("t").insert(0, "c");
      expect(flushes()).toBe(edits + 1);
      vi.advanceTimersByTime(HOT_EDIT_WINDOW_MS / 2);
      expect(flushes()).toBe(edits + 2);

      // After a quiet spell the first edit finds the document cool, and goes at the end of its turn.
      vi.advanceTimersByTime(2 * RATE_INTERVAL_MS);
      document.getText("t").insert(0, "d");
      vi.advanceTimersByTime(0);
      expect(flushes()).toBe(edits + 3);
      expect(document.flushDelay).toBe(0);
    });
  });
});
