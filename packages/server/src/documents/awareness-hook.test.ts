import type { Document, Extension } from "@hocuspocus/server";
import { afterEach, describe, expect, it } from "vitest";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { LiveDocuments } from "../live-documents.js";

/** Loads `name` in `live` through a direct connection (left open), and publishes one client's presence to it. */
async function loadWithPresence(live: LiveDocuments, name: string): Promise<Document> {
  await live.openDirectConnection(name);
  const document = live.documents.get(name);
  if (document === undefined) throw new Error("not loaded");
  const other = new Awareness(new Y.Doc());
  other.setLocalState({ cursor: 1 });
  applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(other, [other.clientID]), "test");
  other.destroy();
  return document;
}

describe("Hocuspocus' onAwarenessUpdate listener", () => {
  const opened: LiveDocuments[] = [];
  const live = (extensions: Extension[]) => {
    const instance = new LiveDocuments({ quiet: true, extensions }, () => {});
    opened.push(instance);
    return instance;
  };
  afterEach(() => {
    for (const instance of opened.splice(0)) for (const document of instance.documents.values()) document.destroy();
  });

  it("is taken off a loaded document when no extension hears the hook, leaving the document's own", async () => {
    const document = await loadWithPresence(live([{ extensionName: "deaf" }]), "spec/quiet");
    // If this fails, Hocuspocus adds its listeners differently now: see dropAwarenessHookListener.
    expect(document.awareness._observers.get("update")?.size).toBe(1);
    expect(document.awareness.getStates().size).toBe(1);
  });

  it("stays, and the hook hears every change with the states, when an extension implements it", async () => {
    const heard: number[] = [];
    const document = await loadWithPresence(
      live([
        {
          extensionName: "listener",
          async onAwarenessUpdate({ states }) {
            heard.push(states.length);
          },
        },
      ]),
      "spec/heard",
    );
    expect(document.awareness._observers.get("update")?.size).toBe(2);
    expect(heard).toEqual([1]);
  });
});
