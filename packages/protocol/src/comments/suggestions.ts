/**
 * Suggestions: changes to a document's content that someone proposes rather
 * than makes. A suggestion is a thread of the comments document
 * (`<name>#comments`, see `model.ts`) with four more fields:
 *
 * ```text
 * thread: …, quote, contextBefore, contextAfter, anchor   the text it is about (a point for an insertion)
 *         suggestion: Proposal     what to do there              (its author, while pending)
 *         status: pending → accepted | rejected | withdrawn       (once; see below)
 *         decidedBy, decidedAt     who moved it out of pending, and when
 *         change                   an acceptance's change to the content, a Yjs update
 *         comments                 its discussion
 * ```
 *
 * The content document is never touched until an editor or owner accepts:
 * their client then works out exactly the proposed change and records it
 * with the decision ({@link acceptSuggestion}); the server makes it, credited
 * to the suggester and the acceptor when it is the proposal (see
 * `accepted-change.ts`). Who may do what is checked by the server on
 * every update ({@link checkCommentsUpdate}): anyone with comment rights may
 * propose (as themselves) and discuss; only the author may revise or
 * withdraw; only a writer with content rights may accept or reject; every
 * decision is final and names its writer.
 */
import * as Y from "yjs";
import { anchorFor, pointAnchorFor, resolveAnchor, type TextRange } from "./anchors.js";
import { proposalChange } from "./apply-proposal.js";
import {
  addThread,
  CommentLimits,
  decodeAnchor,
  encodeAnchor,
  readThread,
  type ThreadData,
  ThreadFields,
  threadsOf,
} from "./model.js";
import { collapseWhitespace, TextIndex } from "./text-index.js";

/** What a suggestion proposes. */
export const SuggestionKinds = ["insert", "delete", "replace", "format"] as const;

/** One of {@link SuggestionKinds}. */
export type SuggestionKind = (typeof SuggestionKinds)[number];

/** Where a suggestion is in its life: pending until accepted, rejected or withdrawn, which is final. */
export const SuggestionStatuses = ["pending", "accepted", "rejected", "withdrawn"] as const;

/** One of {@link SuggestionStatuses}. */
export type SuggestionStatus = (typeof SuggestionStatuses)[number];

/**
 * A proposed change, as stored in a thread's `suggestion` field. Its range is
 * the thread's anchor: a point for `insert`, the quoted text otherwise.
 * `format` adds or removes one mark (by its editor name, such as `bold` or
 * `link`, with the mark's attributes).
 */
export type Proposal =
  | { readonly kind: "insert"; readonly text: string }
  | { readonly kind: "delete" }
  | { readonly kind: "replace"; readonly text: string }
  | {
      readonly kind: "format";
      readonly mark: string;
      readonly attributes: Readonly<Record<string, unknown>> | null;
      readonly add: boolean;
    };

/** A plain snapshot of a suggestion's own fields. */
export interface SuggestionData {
  readonly proposal: Proposal;
  readonly status: SuggestionStatus;
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const MARK_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Whether `value` is one of {@link SuggestionStatuses}. */
export function isSuggestionStatus(value: unknown): value is SuggestionStatus {
  return isString(value) && (SuggestionStatuses as readonly string[]).includes(value);
}

/**
 * Validates an untrusted `suggestion` value (the server reads it from
 * updates); `undefined` when it is not a well-formed {@link Proposal}.
 * Inserted text must be non-empty and within {@link CommentLimits}.
 */
export function parseProposal(value: unknown): Proposal | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  switch (record.kind) {
    case "insert":
    case "replace": {
      const text = record.text;
      if (!isString(text) || text.length === 0 || text.length > CommentLimits.suggestionText) return undefined;
      return { kind: record.kind, text };
    }
    case "delete":
      return { kind: "delete" };
    case "format": {
      const { mark, attributes, add } = record;
      if (!isString(mark) || mark.length > CommentLimits.markName || !MARK_NAME.test(mark)) return undefined;
      if (typeof add !== "boolean") return undefined;
      if (attributes === null || attributes === undefined) return { kind: "format", mark, attributes: null, add };
      if (typeof attributes !== "object" || Array.isArray(attributes)) return undefined;
      let json: string;
      try {
        json = JSON.stringify(attributes);
      } catch {
        return undefined;
      }
      if (json.length > CommentLimits.markAttributesJson) return undefined;
      return { kind: "format", mark, attributes: JSON.parse(json) as Record<string, unknown>, add };
    }
    default:
      return undefined;
  }
}

/** A thread's suggestion, or `undefined` for a plain comment thread (or a malformed suggestion). */
export function readSuggestion(thread: Y.Map<unknown>): SuggestionData | undefined {
  const proposal = parseProposal(thread.get(ThreadFields.suggestion));
  const status = thread.get(ThreadFields.status);
  if (!proposal || !isSuggestionStatus(status)) return undefined;
  const decidedBy = thread.get(ThreadFields.decidedBy);
  const decidedAt = thread.get(ThreadFields.decidedAt);
  return {
    proposal,
    status,
    decidedBy: isString(decidedBy) ? decidedBy : null,
    decidedAt: isFiniteNumber(decidedAt) ? decidedAt : null,
  };
}

/** Why a suggestion operation could not be done. */
export type SuggestionErrorCode =
  | "invalid"
  | "not-found"
  | "not-pending"
  | "not-author"
  | "detached"
  | "text-changed"
  | "no-text";

/** The outcome of a suggestion operation: nothing was written when it is not `ok`. */
export type SuggestionOutcome =
  | { readonly ok: true; readonly threadId: string }
  | { readonly ok: false; readonly code: SuggestionErrorCode; readonly reason: string };

function failure(code: SuggestionErrorCode, reason: string): Extract<SuggestionOutcome, { ok: false }> {
  return { ok: false, code, reason };
}

/** A new suggestion, as {@link proposeSuggestion} takes it. */
export interface NewSuggestion {
  /** The thread's id. */
  readonly id: string;
  readonly author: string;
  readonly createdAt: number;
  /**
   * Where, in the content's plain text ({@link TextIndex.text}): a point
   * (`from === to`) for an insertion, the text to change otherwise.
   */
  readonly range: TextRange;
  readonly proposal: Proposal;
  /** An optional first comment explaining it. */
  readonly comment?: { readonly id: string; readonly body: string; readonly mentions: readonly string[] };
}

/** Who revises or decides, and when. */
export interface SuggestionActor {
  readonly id: string;
  readonly at: number;
}

// The anchor of a proposal at a range: a point for an insertion, the text otherwise.
function anchorOf(index: TextIndex, range: TextRange, proposal: Proposal) {
  return proposal.kind === "insert" ? pointAnchorFor(index, range.from) : anchorFor(index, range);
}

function setProposal(map: Y.Map<unknown>, proposal: Proposal): void {
  map.set(ThreadFields.suggestion, { ...proposal });
}

/**
 * Proposes a change: writes a pending suggestion thread into the comments
 * document (in one transaction, with `origin`). The content is not touched.
 *
 * @example
 * ```ts
 * const index = new TextIndex(content);
 * const at = index.find("teh")[0];
 * proposeSuggestion(comments, content, { id: crypto.randomUUID(), author: "ada", createdAt: Date.now(),
 *   range: at, proposal: { kind: "replace", text: "the" } });
 * ```
 */
export function proposeSuggestion(
  comments: Y.Doc,
  content: Y.XmlFragment,
  input: NewSuggestion,
  origin?: unknown,
): SuggestionOutcome {
  const proposal = parseProposal(input.proposal);
  if (!proposal) return failure("invalid", "not a well-formed proposal");
  const anchor = anchorOf(new TextIndex(content), input.range, proposal);
  if (!anchor) return failure("no-text", "there is no text to anchor the suggestion to there");
  if (anchor.quote.length > CommentLimits.quote) return failure("invalid", "the text to change is too long");
  if (threadsOf(comments).has(input.id)) return failure("invalid", `thread ${input.id} already exists`);
  comments.transact(() => {
    const map = addThread(
      comments,
      { id: input.id, createdBy: input.author, createdAt: input.createdAt, anchor: anchor.positions, ...anchor },
      input.comment && { ...input.comment, author: input.author, createdAt: input.createdAt },
    );
    setProposal(map, proposal);
    map.set(ThreadFields.status, "pending");
    map.set(ThreadFields.decidedBy, null);
    map.set(ThreadFields.decidedAt, null);
  }, origin);
  return { ok: true, threadId: input.id };
}

type Failure = Extract<SuggestionOutcome, { ok: false }>;

interface Pending {
  readonly map: Y.Map<unknown>;
  readonly thread: ThreadData;
  readonly suggestion: SuggestionData;
}

function pendingSuggestion(comments: Y.Doc, threadId: string): Pending | { readonly error: Failure } {
  const map = threadsOf(comments).get(threadId);
  const thread = map instanceof Y.Map ? readThread(map) : undefined;
  const suggestion = map instanceof Y.Map ? readSuggestion(map) : undefined;
  if (!map || !thread || !suggestion) return { error: failure("not-found", `no suggestion ${threadId}`) };
  if (suggestion.status !== "pending") {
    return { error: failure("not-pending", `suggestion ${threadId} is already ${suggestion.status}`) };
  }
  return { map, thread, suggestion };
}

/**
 * Changes a pending suggestion of `author` (typing more into a proposed
 * insertion, extending a proposed deletion): a new proposal of the same kind
 * and, optionally, a new range. Only its author may.
 */
export function reviseSuggestion(
  comments: Y.Doc,
  content: Y.XmlFragment,
  threadId: string,
  author: string,
  change: { readonly proposal: Proposal; readonly range?: TextRange },
  origin?: unknown,
): SuggestionOutcome {
  const found = pendingSuggestion(comments, threadId);
  if ("error" in found) return found.error;
  if (found.thread.createdBy !== author) return failure("not-author", "only a suggestion's author may revise it");
  const proposal = parseProposal(change.proposal);
  if (!proposal || proposal.kind !== found.suggestion.proposal.kind) {
    return failure("invalid", "a suggestion keeps its kind");
  }
  const anchor = change.range && anchorOf(new TextIndex(content), change.range, proposal);
  if (change.range && !anchor) return failure("no-text", "there is no text to anchor the suggestion to there");
  if (anchor && anchor.quote.length > CommentLimits.quote) return failure("invalid", "the text to change is too long");
  comments.transact(() => {
    setProposal(found.map, proposal);
    if (anchor) {
      found.map.set(ThreadFields.anchor, encodeAnchor(anchor.positions));
      found.map.set(ThreadFields.quote, anchor.quote);
      found.map.set(ThreadFields.contextBefore, anchor.contextBefore.slice(-CommentLimits.context));
      found.map.set(ThreadFields.contextAfter, anchor.contextAfter.slice(0, CommentLimits.context));
    }
  }, origin);
  return { ok: true, threadId };
}

function decide(map: Y.Map<unknown>, status: SuggestionStatus, actor: SuggestionActor): void {
  map.set(ThreadFields.status, status);
  map.set(ThreadFields.decidedBy, actor.id);
  map.set(ThreadFields.decidedAt, actor.at);
  // A decided suggestion leaves the open threads; its discussion stays in the thread.
  map.set(ThreadFields.resolved, true);
  map.set(ThreadFields.resolvedBy, actor.id);
  map.set(ThreadFields.resolvedAt, actor.at);
}

/**
 * Where a pending suggestion applies now: its anchor resolved against the
 * current content, and refused when the text it was made on is gone
 * (`detached`) or has changed since (`text-changed`), so that accepting
 * never changes text its author did not see.
 */
export function locateSuggestion(
  comments: Y.Doc,
  content: Y.XmlFragment,
  threadId: string,
): { readonly ok: true; readonly range: TextRange; readonly index: TextIndex } | Failure {
  const found = pendingSuggestion(comments, threadId);
  if ("error" in found) return found.error;
  return locateThread(found.thread, content);
}

/**
 * Where a thread's text is in `content` now, whatever its status (see
 * {@link locateSuggestion}): `detached` when it is gone, `text-changed` when
 * it is no longer its quote.
 */
export function locateThread(
  thread: ThreadData,
  content: Y.XmlFragment,
): { readonly ok: true; readonly range: TextRange; readonly index: TextIndex } | Failure {
  const index = new TextIndex(content);
  const stored = thread.anchor ? decodeAnchor(thread.anchor) : undefined;
  const anchor = resolveAnchor(index, stored, thread);
  if (anchor.state !== "attached" || !anchor.range) {
    return failure("detached", "the text this suggestion was made on is gone");
  }
  const current = index.text.slice(anchor.range.from, anchor.range.to);
  if (collapseWhitespace(current).trim() !== collapseWhitespace(thread.quote).trim()) {
    return failure("text-changed", "the text this suggestion was made on has changed since");
  }
  return { ok: true, range: anchor.range, index };
}

/**
 * Accepts a pending suggestion: works out exactly the proposed change to the
 * content (a Yjs update, made on a copy under a client id of its own), then
 * records the decision with that change in one transaction of the comments
 * document (with `origin`), then applies the change to the local content
 * (with `contentOrigin`, `origin` unless given). Only a writer with content
 * rights can: the server refuses the decision from anyone else.
 *
 * The server makes the change from the decision, for everyone, and credits it
 * to the suggester, accepted by the acceptor, once it has checked that the
 * change is the proposal (see `accepted-change.ts`). A client connected
 * through a provider should therefore pass the content's provider as
 * `contentOrigin`, so that the provider does not also send the change as the
 * acceptor's own edit. Nothing is written when it fails.
 */
export function acceptSuggestion(
  comments: Y.Doc,
  content: Y.XmlFragment,
  threadId: string,
  actor: SuggestionActor,
  origin?: unknown,
  contentOrigin: unknown = origin,
): SuggestionOutcome {
  const located = locateSuggestion(comments, content, threadId);
  if (!located.ok) return located;
  const found = pendingSuggestion(comments, threadId);
  if ("error" in found) return found.error;
  const change = proposalChange(content, located.range, found.suggestion.proposal);
  if (!change || !content.doc) return failure("no-text", "there is no text to apply the suggestion to there");
  if (change.length > CommentLimits.changeBytes) return failure("invalid", "the change is too large to record");
  comments.transact(() => {
    decide(found.map, "accepted", actor);
    found.map.set(ThreadFields.change, change);
  }, origin);
  Y.applyUpdate(content.doc, change, contentOrigin);
  return { ok: true, threadId };
}

/** Rejects a pending suggestion: the content stays as it is; the thread keeps the proposal and its discussion. */
export function rejectSuggestion(
  comments: Y.Doc,
  threadId: string,
  actor: SuggestionActor,
  origin?: unknown,
): SuggestionOutcome {
  return close(comments, threadId, "rejected", actor, origin);
}

/** Withdraws a pending suggestion; only its author may. */
export function withdrawSuggestion(
  comments: Y.Doc,
  threadId: string,
  actor: SuggestionActor,
  origin?: unknown,
): SuggestionOutcome {
  return close(comments, threadId, "withdrawn", actor, origin);
}

// Decides without touching the content.
function close(
  comments: Y.Doc,
  threadId: string,
  status: "rejected" | "withdrawn",
  actor: SuggestionActor,
  origin: unknown,
): SuggestionOutcome {
  const found = pendingSuggestion(comments, threadId);
  if ("error" in found) return found.error;
  if (status === "withdrawn" && found.thread.createdBy !== actor.id) {
    return failure("not-author", "only a suggestion's author may withdraw it");
  }
  comments.transact(() => decide(found.map, status, actor), origin);
  return { ok: true, threadId };
}
