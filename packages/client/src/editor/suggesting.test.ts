import { getSchema } from "@tiptap/core";
import { Fragment, Slice } from "@tiptap/pm/model";
import { EditorState, TextSelection } from "@tiptap/pm/state";
import StarterKit from "@tiptap/starter-kit";
import { describe, expect, it } from "vitest";
import { attemptOf } from "./suggesting.js";

const schema = getSchema([StarterKit]);

// "Hello world" in one paragraph, then "Second": positions 1–12 and 14–20.
function state(): EditorState {
  const doc = schema.node("doc", null, [
    schema.node("paragraph", null, [schema.text("Hello world")]),
    schema.node("paragraph", null, [schema.text("Second")]),
  ]);
  return EditorState.create({ schema, doc });
}

describe("what a transaction tries to do, for suggesting mode", () => {
  it("reads typing, deleting and replacing text inside a block", () => {
    expect(attemptOf(state().tr.insertText("big ", 7))).toEqual({ kind: "insert", at: 7, text: "big " });
    expect(attemptOf(state().tr.delete(6, 12))).toEqual({ kind: "delete", from: 6, to: 12 });
    expect(attemptOf(state().tr.insertText("there", 7, 12))).toEqual({
      kind: "replace",
      from: 7,
      to: 12,
      text: "there",
    });
  });

  it("reads a paste inside a paragraph as text, and a pasted paragraph as structure", () => {
    const pasted = new Slice(Fragment.from(schema.node("paragraph", null, [schema.text("there")])), 1, 1);
    expect(attemptOf(state().tr.replace(7, 12, pasted))).toEqual({ kind: "replace", from: 7, to: 12, text: "there" });
    const closed = new Slice(Fragment.from(schema.node("paragraph", null, [schema.text("there")])), 0, 0);
    expect(attemptOf(state().tr.replace(13, 13, closed))).toBeUndefined();
  });

  it("reads adding or removing one mark over a range", () => {
    const bold = schema.marks.bold?.create();
    if (!bold) throw new Error("no bold");
    const added = attemptOf(state().tr.addMark(1, 6, bold));
    expect(added).toMatchObject({ kind: "format", from: 1, to: 6, add: true });
    expect(added?.kind === "format" && added.mark.type.name).toBe("bold");
    const bolded = state().apply(state().tr.addMark(1, 6, bold));
    expect(attemptOf(bolded.tr.removeMark(1, 6, bold))).toMatchObject({ kind: "format", from: 1, to: 6, add: false });
  });

  it("refuses what is not a text change: a new block, a joined block, a node type change", () => {
    const start = state();
    const split = start.tr.setSelection(TextSelection.create(start.doc, 6)).split(6);
    expect(attemptOf(split)).toBeUndefined();
    expect(attemptOf(start.tr.setBlockType(1, 1, schema.nodes.heading as never, { level: 1 }))).toBeUndefined();
    expect(attemptOf(start.tr.insert(13, schema.node("paragraph", null, [schema.text("new")])))).toBeUndefined();
    expect(attemptOf(start.tr)).toBeUndefined();
  });
});
