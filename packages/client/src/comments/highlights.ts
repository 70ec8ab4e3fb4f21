import { Extension } from "@tiptap/core";
import { type EditorState, Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import type { TandemDocument } from "../provider/document.js";
import { draftFromSelection } from "./draft.js";
import { suggestionDecorations } from "./suggestion-decorations.js";

const key = new PluginKey<DecorationSet>("tandemCommentHighlights");

interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: Map<unknown, unknown> } | null;
}

/**
 * The highlighted ranges of a document's open threads (and of the selected
 * one, even when resolved), and the inline marks of pending suggestions, as
 * decorations: nothing is written into the content, so commenters need no
 * write access, overlapping threads just overlap, and copying text does not
 * copy its comments or proposals.
 */
function buildHighlights(state: EditorState, document: TandemDocument): DecorationSet {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined;
  const mapping = sync?.binding?.mapping;
  if (!sync || !mapping || mapping.size === 0) return DecorationSet.empty;
  const { activeThreadId } = document.ui.get();
  const decorations: Decoration[] = [];
  for (const thread of document.commentsStore.getSnapshot().threads) {
    const positions = thread.anchor.positions;
    if (thread.anchor.state !== "attached" || !positions) continue;
    const active = thread.id === activeThreadId;
    // A suggestion shows while pending; a comment thread while open, or when selected.
    if (thread.suggestion ? thread.suggestion.status !== "pending" : thread.resolved && !active) continue;
    const from = relativePositionToAbsolutePosition(sync.doc, sync.type, positions.start, mapping as never);
    const to = relativePositionToAbsolutePosition(sync.doc, sync.type, positions.end, mapping as never);
    if (from === null || to === null || from > to) continue;
    if (thread.suggestion) {
      decorations.push(...suggestionDecorations(thread, from, to, active));
      continue;
    }
    if (from === to) continue;
    decorations.push(
      Decoration.inline(
        from,
        to,
        {
          class: active ? "tandem-comment-highlight is-active" : "tandem-comment-highlight",
          "data-thread-id": thread.id,
          "data-testid": "comment-highlight",
        },
        { threadId: thread.id },
      ),
    );
  }
  return DecorationSet.create(state.doc, decorations);
}

/**
 * ProseMirror plugin drawing comment highlights and opening a thread when
 * its highlight is clicked. Highlights are mapped through local edits at
 * once, and rebuilt from the comments store after every change to the
 * threads or the content (deferred to a microtask, because those changes
 * arrive while the editor is itself dispatching).
 */
function commentHighlightsPlugin(document: TandemDocument): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key,
    state: {
      init: (_, state) => buildHighlights(state, document),
      apply: (transaction, highlights, _old, state) =>
        transaction.getMeta(key)
          ? buildHighlights(state, document)
          : highlights.map(transaction.mapping, transaction.doc),
    },
    props: {
      decorations: (state) => key.getState(state),
      handleClick: (view, pos) => {
        // The innermost (shortest) thread under the click wins when threads overlap.
        const found = key
          .getState(view.state)
          ?.find(pos, pos)
          .filter((decoration) => decoration.from < pos || decoration.to > pos)
          .sort((a, b) => a.to - a.from - (b.to - b.from))[0];
        const threadId = (found?.spec as { threadId?: string } | undefined)?.threadId;
        if (threadId) document.selectThread(threadId);
        // Not handled: the click still places the caret.
        return false;
      },
    },
    view: (view) => {
      let scheduled = false;
      let destroyed = false;
      const refresh = () => {
        if (scheduled) return;
        scheduled = true;
        queueMicrotask(() => {
          scheduled = false;
          if (!destroyed) view.dispatch(view.state.tr.setMeta(key, true).setMeta("addToHistory", false));
        });
      };
      const stopStore = document.commentsStore.subscribe(refresh);
      const stopUi = document.ui.subscribe(refresh);
      // The Yjs binding fills its mapping when it first renders; draw once it has.
      refresh();
      return {
        destroy: () => {
          destroyed = true;
          stopStore();
          stopUi();
        },
      };
    },
  });
}

/** Options of {@link CommentHighlights}. */
export interface CommentHighlightsOptions {
  readonly document: TandemDocument | null;
}

/**
 * TipTap extension that draws a document's comment threads as highlights
 * (`.tandem-comment-highlight`, `data-thread-id`) and selects a thread when
 * its highlight is clicked. `<CollaborativeEditor>` adds it; add it yourself
 * only when building your own editor on a {@link TandemDocument}.
 *
 * @example
 * ```ts
 * useEditor({ extensions: [StarterKit, Collaboration.configure({ fragment: doc.fragment }), CommentHighlights.configure({ document: doc })] });
 * ```
 */
export const CommentHighlights = Extension.create<CommentHighlightsOptions>({
  name: "tandemCommentHighlights",
  addOptions() {
    return { document: null };
  },
  addKeyboardShortcuts() {
    return {
      // Comment on the selection, as in most editors.
      "Mod-Alt-m": () => {
        const document = this.options.document;
        const draft = document?.canComment ? draftFromSelection(this.editor.state) : undefined;
        if (!document || !draft) return false;
        document.setDraft(draft);
        return true;
      },
    };
  },
  addProseMirrorPlugins() {
    return this.options.document ? [commentHighlightsPlugin(this.options.document)] : [];
  },
});
