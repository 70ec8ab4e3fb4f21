import type { EditorState } from "@tiptap/pm/state";
import { absolutePositionToRelativePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import type { DocumentUi } from "../provider/document.js";

interface SyncState {
  type: Y.XmlFragment;
  binding: { mapping: Map<unknown, unknown> } | null;
}

/**
 * The editor's selection as the start of a new thread: positions in the
 * shared content (so the selection survives other people's edits while the
 * first comment is written) and the selected text. `undefined` for an empty
 * selection or before the editor is bound to the document.
 */
export function draftFromSelection(state: EditorState): NonNullable<DocumentUi["draft"]> | undefined {
  const { from, to, empty } = state.selection;
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined;
  const mapping = sync?.binding?.mapping;
  if (empty || !sync || !mapping) return undefined;
  const quote = state.doc.textBetween(from, to, "\n", "\uFFFC");
  if (quote.trim() === "") return undefined;
  return {
    positions: {
      start: absolutePositionToRelativePosition(from, sync.type, mapping as never),
      end: absolutePositionToRelativePosition(to, sync.type, mapping as never),
    },
    quote,
  };
}
