import type { Proposal, TextRange } from "@tandem/protocol";
import { Extension } from "@tiptap/core";
import type { Fragment, Mark, Slice } from "@tiptap/pm/model";
import { type EditorState, Plugin, PluginKey, TextSelection, type Transaction } from "@tiptap/pm/state";
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from "@tiptap/pm/transform";
import type { EditorView } from "@tiptap/pm/view";
import { absolutePositionToRelativePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import type { Thread } from "../comments/store.js";
import type { TandemDocument } from "../provider/document.js";

interface SyncState {
  type: Y.XmlFragment;
  binding: { mapping: Map<unknown, unknown> } | null;
}

/** A change the user tried to make, in editor positions. */
type Attempt =
  | { readonly kind: "insert"; readonly at: number; readonly text: string }
  | { readonly kind: "delete"; readonly from: number; readonly to: number }
  | { readonly kind: "replace"; readonly from: number; readonly to: number; readonly text: string }
  | { readonly kind: "format"; readonly from: number; readonly to: number; readonly mark: Mark; readonly add: boolean };

/**
 * What a transaction tries to do to the text, when it is something a
 * suggestion can say: typing, deleting or replacing text inside blocks, or
 * adding or removing one mark. Anything else (a new paragraph, a list, a
 * table) is `undefined`: it cannot be suggested.
 */
export function attemptOf(tr: Transaction): Attempt | undefined {
  const steps = tr.steps;
  if (steps.length === 0) return undefined;
  if (steps.every((step) => step instanceof AddMarkStep || step instanceof RemoveMarkStep)) {
    const first = steps[0] as AddMarkStep | RemoveMarkStep;
    const sameMark = steps.every(
      (step) => step.constructor === first.constructor && (step as AddMarkStep).mark.eq(first.mark),
    );
    if (!sameMark) return undefined;
    const ranges = steps as ReadonlyArray<AddMarkStep | RemoveMarkStep>;
    return {
      kind: "format",
      from: Math.min(...ranges.map((step) => step.from)),
      to: Math.max(...ranges.map((step) => step.to)),
      mark: first.mark,
      add: first instanceof AddMarkStep,
    };
  }
  const step = steps[0];
  if (steps.length !== 1 || !(step instanceof ReplaceStep)) return undefined;
  const { from, to, slice } = step as unknown as { from: number; to: number; slice: Slice };
  // Text, or text in one block opened on both sides (a paste inside a paragraph); a whole block is structure.
  const inline = (fragment: Fragment) => {
    let only = true;
    fragment.forEach((node) => {
      only &&= node.isInline;
    });
    return only;
  };
  const block = slice.content.firstChild;
  const textOnly =
    inline(slice.content) ||
    (slice.openStart === 1 &&
      slice.openEnd === 1 &&
      slice.content.childCount === 1 &&
      !!block?.isTextblock &&
      inline(block.content));
  const text = slice.content.textBetween(0, slice.content.size, "\n", "\uFFFC");
  // Several blocks, or content that is not text (an image, a hard break): not a text change.
  if (!textOnly || text.includes("\n") || text.includes("\uFFFC")) return undefined;
  if (from === to) return text === "" ? undefined : { kind: "insert", at: from, text };
  return text === "" ? { kind: "delete", from, to } : { kind: "replace", from, to, text };
}

/** Offsets in the comments core's text for editor positions. */
function textOffsets(state: EditorState, document: TandemDocument, positions: readonly number[]): number[] | undefined {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined;
  const mapping = sync?.binding?.mapping;
  const doc = document.content;
  if (!sync || !mapping) return undefined;
  const index = document.commentsStore.textIndex();
  const offsets: number[] = [];
  for (const pos of positions) {
    const relative = absolutePositionToRelativePosition(pos, sync.type, mapping as never);
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, doc);
    const offset = absolute ? index.offsetOf(absolute) : undefined;
    if (offset === undefined) return undefined;
    offsets.push(offset);
  }
  return offsets;
}

// The local user's pending suggestions, where they are now.
function ownPending(document: TandemDocument): Array<Thread & { range: TextRange }> {
  return document.commentsStore
    .getSnapshot()
    .threads.filter(
      (thread) =>
        thread.suggestion?.status === "pending" &&
        thread.createdBy.id === document.user.id &&
        thread.anchor.state === "attached",
    )
    .flatMap((thread) => (thread.anchor.range ? [{ ...thread, range: thread.anchor.range }] : []));
}

/**
 * Turns an attempt into a suggestion, merging it into the user's own pending
 * suggestion where it continues one: typing at the end of a proposed
 * insertion or replacement adds to its text, backspace there takes from it,
 * and deleting next to a proposed deletion extends it.
 *
 * @returns where the caret goes, in editor positions (the text did not change).
 */
function suggest(state: EditorState, document: TandemDocument, attempt: Attempt): number | undefined {
  const store = document.commentsStore;
  const points = attempt.kind === "insert" ? [attempt.at, attempt.at] : [attempt.from, attempt.to];
  const offsets = textOffsets(state, document, points);
  if (!offsets) return undefined;
  const [from, to] = offsets as [number, number];
  const mine = ownPending(document);
  const revise = (thread: Thread, proposal: Proposal, range?: TextRange) =>
    store.reviseSuggestion(thread.id, { proposal, ...(range ? { range } : {}) });
  switch (attempt.kind) {
    case "insert": {
      const growing = mine.find(
        (thread) =>
          (thread.suggestion?.proposal.kind === "insert" || thread.suggestion?.proposal.kind === "replace") &&
          thread.range.to === from,
      );
      const proposal = growing?.suggestion?.proposal;
      if (growing && proposal && (proposal.kind === "insert" || proposal.kind === "replace")) {
        revise(growing, { ...proposal, text: proposal.text + attempt.text });
      } else {
        store.suggest({ range: { from, to: from }, proposal: { kind: "insert", text: attempt.text } });
      }
      return attempt.at;
    }
    case "delete": {
      const caret = state.selection.empty && state.selection.head === attempt.to ? attempt.from : attempt.to;
      const shrinking = mine.find(
        (thread) =>
          (thread.suggestion?.proposal.kind === "insert" || thread.suggestion?.proposal.kind === "replace") &&
          thread.range.to === to &&
          caret === attempt.from,
      );
      const proposal = shrinking?.suggestion?.proposal;
      if (shrinking && proposal && (proposal.kind === "insert" || proposal.kind === "replace")) {
        const text = proposal.text.slice(0, -1);
        if (text !== "") revise(shrinking, { ...proposal, text });
        else store.withdrawSuggestion(shrinking.id);
        if (text === "" && proposal.kind === "replace") {
          store.suggest({ range: shrinking.range, proposal: { kind: "delete" } });
        }
        return attempt.to;
      }
      const adjacent = mine.find(
        (thread) =>
          thread.suggestion?.proposal.kind === "delete" && (thread.range.from === to || thread.range.to === from),
      );
      if (adjacent) {
        revise(
          adjacent,
          { kind: "delete" },
          { from: Math.min(from, adjacent.range.from), to: Math.max(to, adjacent.range.to) },
        );
      } else {
        store.suggest({ range: { from, to }, proposal: { kind: "delete" } });
      }
      return state.selection.empty ? caret : attempt.from;
    }
    case "replace":
      store.suggest({ range: { from, to }, proposal: { kind: "replace", text: attempt.text } });
      return attempt.to;
    case "format": {
      const attributes = Object.keys(attempt.mark.attrs).length > 0 ? { ...attempt.mark.attrs } : null;
      store.suggest({
        range: { from, to },
        proposal: { kind: "format", mark: attempt.mark.type.name, attributes, add: attempt.add },
      });
      return undefined;
    }
  }
}

const key = new PluginKey("tandemSuggesting");

/**
 * ProseMirror plugin of suggesting mode: while the document says the user is
 * suggesting, their own changes to the text are never applied; each becomes
 * (or extends) a suggestion in the comments document instead. Changes that
 * arrive from Yjs (other people, accepted suggestions, undo) pass untouched.
 * What cannot be suggested (a new block, a list) is dropped, and said so
 * through `onRefused`.
 */
function suggestingPlugin(document: TandemDocument, onRefused: (reason: string) => void): Plugin {
  let view: EditorView | undefined;
  return new Plugin({
    key,
    view: (editorView) => {
      view = editorView;
      return { destroy: () => (view = undefined) };
    },
    filterTransaction: (tr, state) => {
      if (!tr.docChanged || !document.isSuggesting) return true;
      const sync = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
      if (sync?.isChangeOrigin) return true;
      const attempt = attemptOf(tr);
      if (!attempt) {
        onRefused("Only text and text styles can be suggested.");
        return false;
      }
      let caret: number | undefined;
      try {
        caret = suggest(state, document, attempt);
      } catch (error) {
        onRefused(error instanceof Error ? error.message : String(error));
        return false;
      }
      // The caret moves past what was proposed, after this transaction is dropped.
      if (caret !== undefined) {
        const target = caret;
        queueMicrotask(() => {
          if (!view || target > view.state.doc.content.size) return;
          view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, target)));
        });
      }
      return false;
    },
  });
}

/** Options of {@link SuggestingMode}. */
export interface SuggestingModeOptions {
  readonly document: TandemDocument | null;
  /** Told when a change could not become a suggestion, with a sentence saying why. */
  readonly onRefused: (reason: string) => void;
}

/**
 * TipTap extension of suggesting mode (see {@link suggestingPlugin}).
 * `<CollaborativeEditor>` adds it; commenters are always suggesting, editors
 * and owners while `document.setSuggesting(true)`.
 */
export const SuggestingMode = Extension.create<SuggestingModeOptions>({
  name: "tandemSuggesting",
  addOptions() {
    return { document: null, onRefused: () => {} };
  },
  addProseMirrorPlugins() {
    return this.options.document ? [suggestingPlugin(this.options.document, this.options.onRefused)] : [];
  },
});
