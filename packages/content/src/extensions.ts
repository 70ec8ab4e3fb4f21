import { PLACEHOLDER_ATTRIBUTE } from "@tandem/protocol";
import { Extension, type Extensions, getSchema } from "@tiptap/core";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { TableKit, type TableKitOptions } from "@tiptap/extension-table";
import type { Schema } from "@tiptap/pm/model";
import StarterKit, { type StarterKitOptions } from "@tiptap/starter-kit";
import { isSafeLinkHref } from "./links.js";

/**
 * A paragraph's own placeholder ({@link PLACEHOLDER_ATTRIBUTE}), as the
 * server's templates set it. It must be in the schema: ProseMirror drops node
 * attributes it does not know, and y-tiptap would then delete the attribute
 * from the shared document at the next edit of that paragraph. It is never
 * rendered to or parsed from HTML, so copying a paragraph never copies its
 * placeholder, and a paragraph split off at the end of one does not inherit it.
 */
const ParagraphPlaceholder = Extension.create({
  name: "tandemParagraphPlaceholder",
  addGlobalAttributes() {
    return [
      {
        types: ["paragraph"],
        attributes: {
          [PLACEHOLDER_ATTRIBUTE]: { default: null, rendered: false, keepOnSplit: false, parseHTML: () => null },
        },
      },
    ];
  },
});

/** The Link mark's options that an editor may set; href safety is not one of them. */
export type ContentLinkOptions = Omit<Exclude<StarterKitOptions["link"], false | undefined>, "isAllowedUri">;

/** Options of {@link contentExtensions}: how an editor behaves, never what the schema is. */
export interface ContentExtensionsOptions {
  /** The Link mark's editing behaviour (autolink, open on click…). */
  readonly link?: ContentLinkOptions;
  /** The table node's editing behaviour (resizable columns…). */
  readonly table?: Exclude<TableKitOptions["table"], false>;
}

/**
 * The node and mark types of a Tandem document, defined once for the editor
 * (which adds collaboration, carets and its own behaviour), the server's
 * exports and imports, and programs that read or write documents: StarterKit,
 * task lists (nested), tables, links limited to {@link isSafeLinkHref} and the
 * paragraphs' own placeholders. Every extension here knows how it is written
 * in Markdown and HTML.
 *
 * Two StarterKit parts are off because every client would write them into the
 * shared document at once: the trailing empty paragraph, and its own undo
 * history (undo is per user, through Yjs).
 *
 * @example
 * ```ts
 * const editor = new Editor({ extensions: [...contentExtensions({ link: { autolink: true } }), Collaboration] });
 * ```
 */
export function contentExtensions(options: ContentExtensionsOptions = {}): Extensions {
  return [
    StarterKit.configure({
      undoRedo: false,
      trailingNode: false,
      link: { ...options.link, isAllowedUri: (url) => isSafeLinkHref(url) },
    }),
    ParagraphPlaceholder,
    TaskList,
    TaskItem.configure({ nested: true }),
    TableKit.configure({ table: options.table ?? {} }),
  ];
}

let schema: Schema | undefined;
let extensions: Extensions | undefined;

/** {@link contentExtensions} with no editing options, built once: what conversions use. */
export function defaultContentExtensions(): Extensions {
  extensions ??= contentExtensions();
  return extensions;
}

/** The ProseMirror schema of a Tandem document's body, built once. */
export function contentSchema(): Schema {
  schema ??= getSchema(defaultContentExtensions());
  return schema;
}
