/**
 * The history API's answers (see docs/history.md), shared by the server that
 * builds them and the clients that show them.
 *
 * Content travels as ProseMirror JSON (what TipTap's `getJSON()` gives),
 * extended for diffs: a node or a text run may say it was `inserted` or
 * `deleted` (or, for a run, `formatted`) and by whom. A version read without
 * a diff is plain ProseMirror JSON.
 */

import type { PresentUser } from "./documents.js";

/** Why a version was made; see docs/history.md. */
export type VersionKind = "named" | "auto" | "before-restore" | "before-revert";

/** A person in a document's history, as the server last saw them (name and colour from their token). */
export type HistoryAuthor = PresentUser;

/** One version, as `GET /api/documents/<name>/versions` lists it. */
export interface VersionSummary {
  readonly id: string;
  readonly kind: VersionKind;
  /** The name someone gave it, or null. */
  readonly label: string | null;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Whoever named it, restored or reverted; null for automatic versions. */
  readonly createdBy: HistoryAuthor | null;
  /** Everyone who changed the document since the version before this one. */
  readonly authors: readonly HistoryAuthor[];
}

/** `GET /api/documents/<name>/versions`. */
export interface VersionList {
  /** Newest first. */
  readonly versions: readonly VersionSummary[];
  /** Whether the caller may name versions, restore and revert. */
  readonly canEdit: boolean;
  /** The author of the latest edit, when known. */
  readonly lastEditedBy: HistoryAuthor | null;
}

/** What happened to a node or a run of text between two states. */
export type ChangeKind = "inserted" | "deleted" | "formatted";

/** A ProseMirror mark. */
export interface ContentMark {
  readonly type: string;
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/** A run of text; with a change, `author` is the id of who made it (null: unknown). */
export interface ContentText {
  readonly type: "text";
  readonly text: string;
  readonly marks?: readonly ContentMark[];
  readonly change?: ChangeKind;
  /** With a change: who made it. In an authorship view (no change): who wrote the text. */
  readonly author?: string | null;
  /**
   * When the text (or its deletion, or formatting) came from an accepted
   * suggestion: who accepted it, while `author` proposed it.
   */
  readonly acceptedBy?: string;
}

/** An attribute of a node whose value changed: its value before, and who changed it. */
export interface AttributeChange {
  readonly key: string;
  readonly from: unknown;
  readonly author: string | null;
}

/** A ProseMirror node. */
export interface ContentNode {
  readonly type: string;
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly content?: readonly (ContentNode | ContentText)[];
  readonly change?: Exclude<ChangeKind, "formatted">;
  /** With a change: who inserted or deleted the node. */
  readonly author?: string | null;
  readonly changedAttributes?: readonly AttributeChange[];
}

/** One person's share of a diff. */
export interface AuthorChanges {
  /** The author's id; null for changes whose author is unknown. */
  readonly author: string | null;
  readonly paragraphsAdded: number;
  readonly paragraphsDeleted: number;
  readonly wordsAdded: number;
  readonly wordsDeleted: number;
  /** Characters whose formatting changed, and node attributes changed (a heading level, a ticked task). */
  readonly formattingChanges: number;
}

/** `GET /api/documents/<name>/diff`: what changed from one state to a later one. */
export interface DocumentDiff {
  readonly from: VersionSummary;
  /** The later version, or null for the current document. */
  readonly to: VersionSummary | null;
  readonly title: readonly ContentText[];
  readonly content: ContentNode;
  /** Everyone with a change in this diff (the legend), in `summary` order, then anyone who only accepted suggestions. */
  readonly authors: readonly HistoryAuthor[];
  /** One line per person, most changes first. */
  readonly summary: readonly AuthorChanges[];
}

/** `GET /api/documents/<name>/versions/<id>` (and `current`). */
export interface VersionContent {
  /** Null for the current document. */
  readonly version: VersionSummary | null;
  readonly title: string;
  readonly content: ContentNode;
}

/** `GET /api/documents/<name>/authorship`: the current document with who wrote each run of text. */
export interface DocumentAuthorship {
  readonly title: readonly ContentText[];
  readonly content: ContentNode;
  /** Everyone who wrote text in it, or accepted a suggestion that did. */
  readonly authors: readonly HistoryAuthor[];
  readonly lastEditedBy: HistoryAuthor | null;
}

/** `POST …/versions/<id>/restore` and `POST …/revert`: the version made just before, to undo it by restoring. */
export interface HistoryChangeResult {
  readonly before: VersionSummary;
  /** The edit was empty: the document already was what was asked. */
  readonly unchanged: boolean;
}
