import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { onUpdateFirst } from "./first-update-listener.js";

describe("onUpdateFirst", () => {
  it("is called before the listeners registered earlier, which keep their order and are called once each", () => {
    const document = new Y.Doc();
    const heard: string[] = [];
    document.on("update", () => heard.push("first registered"));
    document.on("update", () => heard.push("second registered"));
    onUpdateFirst(document, (update) => heard.push(`ahead (${update.length > 0})`));
    document.getText("t").insert(0, "x");
    expect(heard).toEqual(["ahead (true)", "first registered", "second registered"]);
  });

  it("works on a document with no listener yet, and leaves it to be removed as any other", () => {
    const document = new Y.Doc();
    let heard = 0;
    const listener = () => heard++;
    onUpdateFirst(document, listener);
    document.getText("t").insert(0, "x");
    document.off("update", listener);
    document.getText("t").insert(0, "y");
    expect(heard).toBe(1);
  });
});
