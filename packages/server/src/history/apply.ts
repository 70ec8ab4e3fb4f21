import * as Y from "yjs";
import type { CharStep, ContentAlignment, NodeStep } from "./align.js";
import type { Marks, TreeNode } from "./content-tree.js";
import { changedKeys, sameValue } from "./values.js";

/**
 * Turns an alignment into the smallest edit that makes the older state (a
 * live document, read with its Yjs types) equal to the newer one: what only
 * the older has is deleted, what only the newer has is inserted as new items,
 * formatting and attributes that differ are set, and everything kept is not
 * touched, so it keeps its ids (and the comment anchors on it).
 *
 * Call it inside one transaction on the older state's document.
 */
export function applyAlignment(alignment: ContentAlignment): void {
  applyChars(alignment.title.old.type, alignment.title.chars);
  applyChildren(alignment.body);
}

/** The text attributes that turn `from` formatting into `to`: changed marks set, removed ones null. */
function formatting(from: Marks, to: Marks): Record<string, unknown> | undefined {
  const keys = changedKeys(from.values, to.values);
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map((key) => [key, key in to.values ? to.values[key] : null]));
}

/** A stretch of character steps done as one Yjs operation. */
type CharRun =
  | { readonly op: "delete"; length: number }
  | { readonly op: "insert"; text: string; readonly marks: Marks }
  | { readonly op: "keep"; length: number; readonly format: Record<string, unknown> | undefined };

/** Groups steps into runs: deletions together, insertions of equally formatted text, kept text needing the same formatting change. */
function runsOf(steps: readonly CharStep[]): CharRun[] {
  const runs: CharRun[] = [];
  for (const step of steps) {
    const last = runs.at(-1);
    if (step.op === "delete") {
      if (last?.op === "delete") last.length += step.old.text.length;
      else runs.push({ op: "delete", length: step.old.text.length });
    } else if (step.op === "insert") {
      if (last?.op === "insert" && last.marks === step.new.marks) last.text += step.new.text;
      else runs.push({ op: "insert", text: step.new.text, marks: step.new.marks });
    } else {
      const format = formatting(step.old.marks, step.new.marks);
      if (last?.op === "keep" && sameValue(last.format, format)) last.length += step.new.text.length;
      else runs.push({ op: "keep", length: step.new.text.length, format });
    }
  }
  return runs;
}

function applyChars(type: Y.Text | Y.XmlText, steps: readonly CharStep[]): void {
  let position = 0;
  for (const run of runsOf(steps)) {
    if (run.op === "delete") {
      type.delete(position, run.length);
    } else if (run.op === "insert") {
      // A fresh attributes object each time: Yjs fills it in.
      type.insert(position, run.text, { ...run.marks.values });
      position += run.text.length;
    } else {
      if (run.format !== undefined) type.format(position, run.length, run.format);
      position += run.length;
    }
  }
}

/** Builds `node` inside `parent` at `index`: inserted first and then filled, as Yjs applies it directly then. */
function insertNode(parent: Y.XmlElement | Y.XmlFragment, index: number, node: TreeNode): void {
  if (node.kind === "text") {
    const text = new Y.XmlText();
    parent.insert(index, [text]);
    applyChars(
      text,
      node.chars.map((char) => ({ op: "insert", new: char })),
    );
    return;
  }
  const element = new Y.XmlElement(node.name);
  parent.insert(index, [element]);
  for (const [key, value] of Object.entries(node.attrs)) element.setAttribute(key, value as never);
  for (const [childIndex, child] of node.children.entries()) insertNode(element, childIndex, child);
}

function applyChildren(step: Extract<NodeStep, { op: "element" }>): void {
  const parent = step.old.type;
  if (parent instanceof Y.XmlElement) {
    for (const key of changedKeys(step.old.attrs, step.new.attrs)) {
      if (key in step.new.attrs) parent.setAttribute(key, step.new.attrs[key] as never);
      else parent.removeAttribute(key);
    }
  }
  let index = 0;
  for (const child of step.children) {
    if (child.op === "delete") {
      parent.delete(index, 1);
      continue;
    }
    if (child.op === "insert") insertNode(parent, index, child.new);
    else if (child.op === "element") applyChildren(child);
    else applyChars(child.old.type, child.chars);
    index++;
  }
}
