import { PLACEHOLDER_ATTRIBUTE } from "@tandem/protocol";
import type { Extensions } from "@tiptap/core";
import { Placeholder } from "@tiptap/extensions";
import type { Node } from "@tiptap/pm/model";

/** A textblock's own placeholder (a template's hint for the section), if it has one. */
export function ownPlaceholder(node: Node): string | null {
  const own: unknown = node.attrs[PLACEHOLDER_ATTRIBUTE];
  return typeof own === "string" && own !== "" ? own : null;
}

/**
 * Placeholders: `fallback` in an empty editor, and each paragraph's own
 * placeholder while it is empty, greyed text drawn by CSS (`::after` with
 * the `data-placeholder` attribute) that is never part of the document's
 * text, so typing replaces it and it comes back if the paragraph is emptied.
 *
 * Every empty textblock is decorated, not only the one with the caret (a
 * template shows all its hints at once), and the stylesheet decides which
 * to show: those with their own (class `has-own-placeholder`) and the only
 * block of an empty editor, and none while read-only. The extension's own
 * checks for these would be wrong here: they read the editor before a
 * transaction applies, so a document that has just loaded looks empty (its
 * empty paragraphs would all say "Start writing…"), and an editor that
 * starts read-only, as every one does until the server has said what the
 * role is, would draw nothing until each paragraph is edited.
 */
export function placeholders(fallback: string): Extensions {
  return [
    Placeholder.configure({
      showOnlyCurrent: false,
      includeChildren: true,
      showOnlyWhenEditable: false,
      placeholder: ({ node }) => ownPlaceholder(node) ?? fallback,
      emptyNodeClass: ({ node }) => (ownPlaceholder(node) === null ? "is-empty" : "is-empty has-own-placeholder"),
    }),
  ];
}
