import type { Extensions } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import { CommentHighlights } from "../comments/highlights.js";
import type { TandemDocument } from "../provider/document.js";
import { CaretLabels, caretRenderer, caretSelection } from "./caret.js";
import { linkOptions } from "./links.js";
import { placeholders } from "./placeholders.js";
import { SuggestingMode } from "./suggesting.js";

/** Options of {@link tandemExtensions}. */
export interface TandemExtensionsOptions {
  /** Shown in the empty editor. */
  readonly placeholder?: string;
  /** Whether the editor is editable now; autolinking (a write) only happens when it is. */
  readonly isEditable?: () => boolean;
  /** Told when a change made while suggesting could not become a suggestion, with a sentence saying why. */
  readonly onSuggestionRefused?: (reason: string) => void;
}

/**
 * The TipTap extensions of `<CollaborativeEditor>`, bound to a document:
 * StarterKit (with its own undo history off: undo is per user, through Yjs),
 * collaboration with carets, placeholders (the editor's, and paragraphs' own
 * from templates), task lists, tables, links limited to safe protocols, and
 * comment highlights, and suggesting mode (changes become suggestions while
 * the document is suggesting). Use it to build an editor of your own on a
 * {@link TandemDocument}.
 *
 * Two StarterKit parts are off because every client would write them into the
 * shared document at once: the trailing empty paragraph, and autolinking
 * while read-only.
 *
 * @example
 * ```ts
 * const editor = new Editor({ extensions: [...tandemExtensions(document), MyExtension] });
 * ```
 */
export function tandemExtensions(document: TandemDocument, options: TandemExtensionsOptions = {}): Extensions {
  const isEditable = options.isEditable ?? (() => document.canEdit);
  return [
    StarterKit.configure({
      undoRedo: false,
      trailingNode: false,
      link: linkOptions(isEditable),
    }),
    Collaboration.configure({ fragment: document.fragment }),
    CollaborationCaret.configure({
      provider: document.contentProvider,
      user: { id: document.user.id, name: document.user.name, color: document.user.color },
      render: caretRenderer(document.presence, document.user.id),
      selectionRender: caretSelection(document.user.id),
    }),
    CaretLabels,
    ...placeholders(options.placeholder ?? "Start writing…"),
    TaskList,
    TaskItem.configure({ nested: true }),
    TableKit.configure({ table: { resizable: true } }),
    CommentHighlights.configure({ document }),
    SuggestingMode.configure({ document, onRefused: options.onSuggestionRefused ?? (() => {}) }),
  ];
}
