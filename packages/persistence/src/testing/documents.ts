import { randomBytes } from "node:crypto";
import * as Y from "yjs";
import type { DocumentStore } from "../store.js";

/** A Y.Doc that types letters at the end of a text and hands out the update of each keystroke. */
export function typist(clientID?: number) {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  const text = doc.getText("t");
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  return {
    doc,
    text,
    /** Types `count` letters (a, b, c…) and returns their updates, one per keystroke. */
    type(count: number): Uint8Array[] {
      const from = updates.length;
      for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      return updates.slice(from);
    },
  };
}

/** The text `t` of a document as the store loads it. */
export async function loadText(store: DocumentStore, name: string): Promise<string> {
  const doc = new Y.Doc();
  await store.load(name, doc);
  return doc.getText("t").toString();
}

/** A document name no other test of the file uses. */
export const uniqueName = (prefix: string) => `${prefix}/${randomBytes(4).toString("hex")}`;

/** lib0's variable-length unsigned integer, for writing Yjs updates by hand. */
export function varUint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push(0x80 | (rest & 0x7f));
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}
