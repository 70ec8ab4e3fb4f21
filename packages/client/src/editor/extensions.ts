import { contentExtensions } from "@tandem/content";
import type { Extensions } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
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
 * The TipTap extensions of `<CollaborativeEditor>`, bound to a document: the
 * document schema (`contentExtensions` of `@tandem/content`: StarterKit, task
 * lists, tables, links limited to safe protocols, paragraphs' own
 * placeholders) with the editor's behaviour (links open on purpose,
 * resizable tables), collaboration with carets, placeholders, comment
 * highlights, and suggesting mode (changes become suggestions while the
 * document is suggesting). Use it to build an editor of your own on a
 * {@link TandemDocument}.
 *
 * Autolinking writes to the shared document, so it happens only while the
 * editor is editable (every client would write it at once otherwise).
 *
 * @example
 * ```ts
 * const editor = new Editor({ extensions: [...tandemExtensions(document), MyExtension] });
 * ```
 */
export function tandemExtensions(document: TandemDocument, options: TandemExtensionsOptions = {}): Extensions {
  const isEditable = options.isEditable ?? (() => document.canEdit);
  return [
    ...contentExtensions({ link: linkOptions(isEditable), table: { resizable: true } }),
    Collaboration.configure({ fragment: document.fragment }),
    CollaborationCaret.configure({
      provider: document.contentProvider,
      user: { id: document.user.id, name: document.user.name, color: document.user.color },
      render: caretRenderer(document.presence, document.user.id),
      selectionRender: caretSelection(document.user.id),
    }),
    CaretLabels,
    ...placeholders(options.placeholder ?? "Start writing…"),
    CommentHighlights.configure({ document }),
    SuggestingMode.configure({ document, onRefused: options.onSuggestionRefused ?? (() => {}) }),
  ];
}
