import { DocumentFields } from "@tandem/protocol";
import * as Y from "yjs";

/**
 * A document's content as history reads it: TipTap's Y.XmlFragment (and the
 * title's Y.Text) as a tree of elements and characters, each with the Yjs id
 * of the item it comes from. Ids are what make two states of a document
 * comparable (see docs/history.md): an id present in both is the very same
 * item, its author known from the attribution.
 *
 * The tree keeps a reference to the Yjs type of each node it was read from,
 * so that an edit worked out on it (a restore) can be made on that type.
 */

/** Marks on a character: y-tiptap keeps each as a text attribute, the mark's name to its attributes. */
export interface Marks {
  readonly values: Readonly<Record<string, unknown>>;
  /** The id of the format item that last set each mark (or cleared it, to null). */
  readonly sources: Readonly<Record<string, Y.ID>>;
}

/** One character: a Unicode code point (one or two UTF-16 units, as Y.Text counts them). */
export interface TreeChar {
  readonly text: string;
  readonly id: Y.ID;
  readonly marks: Marks;
}

/** A Y.XmlText (a run of inline text in a block), or the title's Y.Text. */
export interface TreeText {
  readonly kind: "text";
  readonly id: Y.ID | null;
  readonly chars: readonly TreeChar[];
  readonly type: Y.XmlText | Y.Text;
}

/** A Y.XmlElement: a ProseMirror node, by name, with its attributes. */
export interface TreeElement {
  readonly kind: "element";
  /** Null for the root (the fragment itself). */
  readonly id: Y.ID | null;
  readonly name: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** The id of the item holding each attribute's value. */
  readonly attrSources: Readonly<Record<string, Y.ID>>;
  readonly children: readonly TreeNode[];
  readonly type: Y.XmlElement | Y.XmlFragment;
}

export type TreeNode = TreeElement | TreeText;

/** A document's title and body. */
export interface ContentTree {
  readonly title: TreeText;
  readonly body: TreeElement;
}

/**
 * Which items a tree shows, asked for each id (an item holding a run of
 * text spans several, possibly typed at different times: it is asked for
 * each character). By default the live ones; a revert reads a history
 * document (deleted content kept) with a rule of its own.
 */
export type Include = (id: Y.ID, deleted: boolean) => boolean;

const alive: Include = (_id, deleted) => !deleted;

const includes = (include: Include, item: Y.Item) => include(item.id, item.deleted);

const noMarks: Marks = { values: {}, sources: {} };

function readText(type: Y.XmlText | Y.Text, id: Y.ID | null, include: Include): TreeText {
  const chars: TreeChar[] = [];
  let marks = noMarks;
  for (let item = type._start; item !== null; item = item.right) {
    const content = item.content;
    if (content instanceof Y.ContentString) {
      // Code points, each with its id: the item's first clock plus its offset in UTF-16 units.
      let offset = 0;
      for (const point of content.str) {
        const id = Y.createID(item.id.client, item.id.clock + offset);
        if (include(id, item.deleted)) chars.push({ text: point, id, marks });
        offset += point.length;
      }
    } else if (content instanceof Y.ContentFormat && includes(include, item)) {
      // One shared object per run of equally formatted characters.
      const values = { ...marks.values };
      if (content.value === null) delete values[content.key];
      else values[content.key] = content.value;
      marks = { values, sources: { ...marks.sources, [content.key]: item.id } };
    }
  }
  return { kind: "text", id, chars, type };
}

/**
 * An element's attributes. Y.XmlElement keeps each as a map entry whose
 * earlier values are the items to the left of the current one; the value
 * shown is the newest included one (a revert skips the one person's values).
 */
function readAttributes(type: Y.XmlElement, include: Include): Pick<TreeElement, "attrs" | "attrSources"> {
  const attrs: Record<string, unknown> = {};
  const attrSources: Record<string, Y.ID> = {};
  for (const [key, newest] of type._map) {
    let item: Y.Item | null = newest;
    while (item !== null && !includes(include, item)) item = item.left;
    if (item === null) continue;
    const values = item.content.getContent();
    attrs[key] = values[values.length - 1];
    attrSources[key] = item.id;
  }
  return { attrs, attrSources };
}

function readElement(type: Y.XmlElement | Y.XmlFragment, id: Y.ID | null, include: Include): TreeElement {
  const children: TreeNode[] = [];
  for (let item = type._start; item !== null; item = item.right) {
    if (!(item.content instanceof Y.ContentType) || !includes(include, item)) continue;
    const child = item.content.type;
    if (child instanceof Y.XmlText) children.push(readText(child, item.id, include));
    else if (child instanceof Y.XmlElement) children.push(readElement(child, item.id, include));
  }
  const name = type instanceof Y.XmlElement ? type.nodeName : "doc";
  const attributes = type instanceof Y.XmlElement ? readAttributes(type, include) : { attrs: {}, attrSources: {} };
  return { kind: "element", id, name, ...attributes, children, type };
}

/** The title and body of `doc` (see `DocumentFields`), showing the items `include` accepts. */
export function readContent(doc: Y.Doc, include: Include = alive): ContentTree {
  return {
    title: readText(doc.getText(DocumentFields.title), null, include),
    body: readElement(doc.getXmlFragment(DocumentFields.content), null, include),
  };
}

/** The plain text of characters. */
export const textOf = (chars: readonly TreeChar[]): string => chars.map((char) => char.text).join("");
