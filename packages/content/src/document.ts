import { DocumentFields } from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import { Node } from "@tiptap/pm/model";
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { TandemContentError } from "./errors.js";
import { contentSchema } from "./extensions.js";

/** A document's title and body, the body as ProseMirror JSON (a `doc` node). */
export interface DocumentContent {
  readonly title: string;
  readonly content: JSONContent;
}

/**
 * The body as a ProseMirror node of the document schema, checked.
 *
 * @throws TandemContentError `invalid-content` when it does not fit the schema.
 */
export function contentNode(content: JSONContent): Node {
  try {
    const node = Node.fromJSON(contentSchema(), content);
    node.check();
    if (node.type !== contentSchema().topNodeType) throw new RangeError(`the body is a ${node.type.name}, not a doc`);
    return node;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TandemContentError("invalid-content", `the content does not fit the document schema: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * Reads a document's title and body (laid out as {@link DocumentFields}
 * says) through y-tiptap, the editor's own binding, so the JSON is what an
 * editor would show. Nodes the schema rejects are left out.
 *
 * The read is made on a copy: y-tiptap deletes what the schema rejects from
 * the Y.Doc it reads, which must never happen to a live or stored document.
 *
 * @example
 * ```ts
 * const { title, content } = readDocumentContent(doc);
 * ```
 */
export function readDocumentContent(doc: Y.Doc): DocumentContent {
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    return {
      title: copy.getText(DocumentFields.title).toString(),
      content: yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(DocumentFields.content), contentSchema()).toJSON(),
    };
  } finally {
    copy.destroy();
  }
}

/**
 * Replaces a document's title and body, in one transaction (`origin` is
 * passed to it). Everything is replaced, so for a document people edit,
 * their concurrent edits of the old content are lost: use it to fill new
 * documents, or where starting over is the point.
 *
 * @throws TandemContentError `invalid-content` when the body does not fit the
 * schema; the document is then left unchanged.
 *
 * @example
 * ```ts
 * const doc = new Y.Doc();
 * writeDocumentContent(doc, fromMarkdown("# Plan\n\n- [ ] ship"));
 * ```
 */
export function writeDocumentContent(doc: Y.Doc, { title, content }: DocumentContent, origin?: unknown): void {
  const node = contentNode(content);
  doc.transact(() => {
    const titleText = doc.getText(DocumentFields.title);
    titleText.delete(0, titleText.length);
    titleText.insert(0, title);
    const body = doc.getXmlFragment(DocumentFields.content);
    body.delete(0, body.length);
    prosemirrorToYXmlFragment(node, body);
  }, origin);
}
