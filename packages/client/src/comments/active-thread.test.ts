import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { Value } from "../observable.js";
import { releaseResolvedThread } from "./active-thread.js";
import { type CommentsStore, createCommentsStore } from "./store.js";

/** Two people's comment stores on one synced pair of documents. */
function twoPeople(): { ada: CommentsStore; bo: CommentsStore } {
  const contents = [new Y.Doc(), new Y.Doc()];
  const comments = [new Y.Doc(), new Y.Doc()];
  for (const pair of [contents, comments]) {
    const [first, second] = pair as [Y.Doc, Y.Doc];
    first.on("update", (update: Uint8Array) => Y.applyUpdate(second, update));
    second.on("update", (update: Uint8Array) => Y.applyUpdate(first, update));
  }
  const paragraph = new Y.XmlElement("paragraph");
  contents[0]?.getXmlFragment("default").insert(0, [paragraph]);
  paragraph.insert(0, [new Y.XmlText("Ship offline mode in May")]);
  const store = (index: 0 | 1, id: string) =>
    createCommentsStore({
      comments: comments[index] as Y.Doc,
      content: (contents[index] as Y.Doc).getXmlFragment("default"),
      user: { id, name: id, color: "#0090ff" },
      canWrite: () => true,
    });
  return { ada: store(0, "ada"), bo: store(1, "bo") };
}

describe("releaseResolvedThread", () => {
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  function watch(store: CommentsStore, ui: Value<{ activeThreadId: string | null }>): void {
    stops.push(
      releaseResolvedThread(store, ui, () => ui.set({ activeThreadId: null })),
      () => store.destroy(),
    );
  }

  it("deselects the selected thread when someone else resolves it", () => {
    const { ada, bo } = twoPeople();
    const boUi = new Value<{ activeThreadId: string | null }>({ activeThreadId: null });
    watch(bo, boUi);
    watch(ada, new Value<{ activeThreadId: string | null }>({ activeThreadId: null }));
    const threadId = ada.createThread({ range: { from: 5, to: 12 }, body: "Which parts?" });
    boUi.set({ activeThreadId: threadId });

    ada.resolveThread(threadId);
    expect(bo.getSnapshot().byId.get(threadId)?.resolved).toBe(true);
    expect(boUi.get().activeThreadId).toBeNull();
  });

  it("keeps a resolved thread selected from the resolved list, and an open one someone replies to", () => {
    const { ada, bo } = twoPeople();
    const boUi = new Value<{ activeThreadId: string | null }>({ activeThreadId: null });
    watch(bo, boUi);
    watch(ada, new Value<{ activeThreadId: string | null }>({ activeThreadId: null }));
    const resolved = ada.createThread({ range: { from: 0, to: 4 }, body: "Done?" });
    ada.resolveThread(resolved);
    const open = ada.createThread({ range: { from: 5, to: 12 }, body: "Which parts?" });

    boUi.set({ activeThreadId: resolved });
    ada.reply(resolved, "Yes, shipped.");
    expect(boUi.get().activeThreadId).toBe(resolved);

    boUi.set({ activeThreadId: open });
    ada.reply(open, "All of it.");
    expect(boUi.get().activeThreadId).toBe(open);
  });
});
