import {
  type AnchorPositions,
  acceptSuggestion,
  addThread,
  anchorFor,
  type CommentData,
  CommentFields,
  CommentLimits,
  checkCommentBody,
  commentsOf,
  createCommentMap,
  decodeAnchor,
  encodeAnchor,
  type Proposal,
  peopleOf,
  proposeSuggestion,
  type ResolvedAnchor,
  readSuggestion,
  readThread,
  recordPerson,
  rejectSuggestion,
  resolveAnchor,
  reviseSuggestion,
  type SuggestionOutcome,
  type SuggestionStatus,
  TextIndex,
  type TextRange,
  ThreadFields,
  threadsOf,
  userColorOf,
  withdrawSuggestion,
} from "@tandem/protocol";
import * as Y from "yjs";
import { TandemClientError } from "../errors.js";
import type { TandemUser } from "../identity.js";
import { mentionsIn } from "./mentions.js";

/** One emoji reaction on a comment. */
export interface Reaction {
  readonly emoji: string;
  readonly users: readonly TandemUser[];
  /** Whether the local user is among them. */
  readonly mine: boolean;
}

/** A comment, ready to show. */
export interface Comment {
  readonly id: string;
  readonly threadId: string;
  readonly author: TandemUser;
  readonly createdAt: number;
  /** Empty once deleted. */
  readonly body: string;
  readonly mentions: readonly TandemUser[];
  readonly editedAt: number | null;
  readonly deleted: boolean;
  readonly reactions: readonly Reaction[];
  /** Whether the local user wrote it (and so may edit or delete it). */
  readonly mine: boolean;
}

/** A proposed change to the content, ready to show; its thread carries the discussion. */
export interface Suggestion {
  readonly proposal: Proposal;
  readonly status: SuggestionStatus;
  /** Who accepted, rejected or withdrew it. */
  readonly decidedBy: TandemUser | null;
  readonly decidedAt: number | null;
}

/** A comment thread, ready to show. */
export interface Thread {
  readonly id: string;
  readonly createdBy: TandemUser;
  readonly createdAt: number;
  /** The text the thread was made on, as it was then. */
  readonly quote: string;
  readonly resolved: boolean;
  readonly resolvedBy: TandemUser | null;
  readonly resolvedAt: number | null;
  readonly comments: readonly Comment[];
  /** Where its text is now. */
  readonly anchor: ResolvedAnchor;
  /** The latest time anyone commented, edited or resolved it. */
  readonly lastActivityAt: number;
  /** What it proposes, when the thread is a suggestion (see docs/suggestions.md). */
  readonly suggestion: Suggestion | null;
}

/** Everything the comments document says, at one moment. Immutable; a new one comes with each change. */
export interface CommentsSnapshot {
  /** Threads in document order (detached ones where their text was, lost ones last). */
  readonly threads: readonly Thread[];
  readonly byId: ReadonlyMap<string, Thread>;
  /** Everyone who has taken part (recorded themselves or commented): who can be @mentioned. */
  readonly people: readonly TandemUser[];
}

/** Options of {@link createCommentsStore}. */
export interface CommentsStoreOptions {
  /** The comments document (`<name>#comments`). */
  readonly comments: Y.Doc;
  /** The content the threads anchor into: the editor's `Y.XmlFragment`. */
  readonly content: Y.XmlFragment;
  /** The local user; comments are written under their id. */
  readonly user: TandemUser;
  /** Whether the comments document may be written now (a viewer may not). Defaults to always. */
  readonly canWrite?: () => boolean;
  /** Whether the content may be written now, which accepting a suggestion does (owner, editor). Defaults to always. */
  readonly canDecide?: () => boolean;
  /**
   * Whether the content is fully loaded, so that anchors found again by
   * their quote may be written back. Defaults to always.
   */
  readonly contentReady?: () => boolean;
  /**
   * The transaction origin an accepted suggestion's change is applied to the
   * local content with: the content's provider, so that it does not send the
   * change as the acceptor's own edit. The change travels with the decision,
   * and the server makes it, credited to the suggester and the acceptor
   * (docs/suggestions.md). Defaults to the store itself.
   */
  readonly acceptedChangeOrigin?: unknown;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Id generator, for tests. */
  readonly createId?: () => string;
}

/** A new thread: the text it is about and its first comment. */
export interface NewThreadInput {
  /** A range of {@link TextIndex.text}, or two positions in the content (as an editor selection gives them). */
  readonly range: TextRange | AnchorPositions;
  readonly body: string;
}

/** A new suggestion: where, what, and optionally a first comment explaining it. */
export interface NewSuggestionInput {
  /**
   * A range of {@link TextIndex.text}, or two positions in the content: a
   * point (both ends equal) for an insertion, the text to change otherwise.
   */
  readonly range: TextRange | AnchorPositions;
  readonly proposal: Proposal;
  readonly body?: string;
}

/**
 * Comment threads over a comments document: read them (with anchors resolved
 * against the content) and write them. Works without React or an editor.
 */
export interface CommentsStore {
  readonly user: TandemUser;
  /** The current snapshot; the same object until something changes. */
  getSnapshot(): CommentsSnapshot;
  /** Calls `listener` after every change to the threads, the people or the content. Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The content's plain text and position map, as anchors are resolved against it. */
  textIndex(): TextIndex;
  /**
   * Starts a thread on a range of the content.
   * @returns the new thread's id.
   * @throws TandemClientError `read-only`, or `invalid-argument` for an empty body or a range without text.
   */
  createThread(input: NewThreadInput): string;
  /** Adds a comment to a thread. @returns the comment's id. */
  reply(threadId: string, body: string): string;
  /** Changes the body of one of the local user's comments. @throws TandemClientError `not-author` */
  editComment(threadId: string, commentId: string, body: string): void;
  /** Deletes one of the local user's comments; the thread keeps its place. @throws TandemClientError `not-author` */
  deleteComment(threadId: string, commentId: string): void;
  resolveThread(threadId: string): void;
  reopenThread(threadId: string): void;
  /** Adds the local user's `emoji` reaction to a comment, or removes it. */
  toggleReaction(threadId: string, commentId: string, emoji: string): void;
  /** Records the local user in `people` (for names and @mentions) if they are missing or changed. */
  recordPresence(): void;
  /**
   * Proposes a change to the content as the local user; the content is not touched.
   * @returns the suggestion's thread id.
   * @throws TandemClientError `read-only`, or `invalid-argument` for a malformed proposal or a range without text.
   */
  suggest(input: NewSuggestionInput): string;
  /**
   * Changes one of the local user's pending suggestions (more text typed into an insertion, a longer deletion).
   * @throws TandemClientError `not-author`, `conflict` once decided, `invalid-argument` for another kind.
   */
  reviseSuggestion(threadId: string, change: { proposal: Proposal; range?: TextRange | AnchorPositions }): void;
  /**
   * Makes exactly the proposed change to the content and marks the suggestion accepted.
   * @throws TandemClientError `read-only` without content rights, `conflict` when its text is gone or changed.
   */
  acceptSuggestion(threadId: string): void;
  /** Marks a pending suggestion rejected; the content stays. @throws TandemClientError `read-only` without content rights. */
  rejectSuggestion(threadId: string): void;
  /** Withdraws one of the local user's pending suggestions. @throws TandemClientError `not-author` */
  withdrawSuggestion(threadId: string): void;
  /**
   * Accepts or rejects every pending suggestion of one person, in document
   * order; those that can no longer be applied stay pending.
   * @returns how many were decided.
   */
  decideAllBy(authorId: string, decision: "accept" | "reject"): number;
  /** Stops observing the documents. */
  destroy(): void;
}

function byPosition(a: Thread, b: Thread): number {
  const at = (thread: Thread) => thread.anchor.range?.from ?? Number.POSITIVE_INFINITY;
  return at(a) - at(b) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
}

function isTextRange(range: TextRange | AnchorPositions): range is TextRange {
  return typeof (range as TextRange).from === "number";
}

/**
 * Creates the headless comments core for one document.
 *
 * @example
 * ```ts
 * const store = createCommentsStore({
 *   comments: commentsDoc,
 *   content: contentDoc.getXmlFragment("default"),
 *   user: { id: "u1", name: "Ada", color: "#0090ff" },
 * });
 * const id = store.createThread({ range: { from: 0, to: 5 }, body: "Shorter?" });
 * store.reply(id, "Agreed.");
 * store.subscribe(() => render(store.getSnapshot().threads));
 * ```
 */
export function createCommentsStore(options: CommentsStoreOptions): CommentsStore {
  const { comments: doc, content, user } = options;
  const canWrite = options.canWrite ?? (() => true);
  const canDecide = options.canDecide ?? (() => true);
  const contentReady = options.contentReady ?? (() => true);
  const now = options.now ?? Date.now;
  const createId = options.createId ?? (() => crypto.randomUUID());
  const threads = threadsOf(doc);
  const people = peopleOf(doc);
  const listeners = new Set<() => void>();
  let snapshot: CommentsSnapshot | undefined;
  let index: TextIndex | undefined;
  let contentVersion = 0;
  const healedAt = new Map<string, number>();
  let healScheduled = false;
  let destroyed = false;

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const onComments = () => {
    snapshot = undefined;
    notify();
  };
  const onContent = () => {
    index = undefined;
    snapshot = undefined;
    contentVersion++;
    notify();
  };
  threads.observeDeep(onComments);
  people.observe(onComments);
  content.observeDeep(onContent);

  const textIndex = () => {
    index ??= new TextIndex(content);
    return index;
  };

  const personFor = (id: string): TandemUser => {
    if (id === user.id) return user;
    const entry = people.get(id) as { name?: unknown; color?: unknown; program?: unknown } | undefined;
    const name = typeof entry?.name === "string" && entry.name.trim() !== "" ? entry.name : id;
    // The server lets only a program record `program: true`.
    return { id, name, color: userColorOf(id, entry?.color), ...(entry?.program === true ? { program: true } : {}) };
  };

  const toComment = (threadId: string, data: CommentData): Comment => ({
    id: data.id,
    threadId,
    author: personFor(data.author),
    createdAt: data.createdAt,
    body: data.deleted ? "" : data.body,
    mentions: data.deleted ? [] : data.mentions.map(personFor),
    editedAt: data.editedAt,
    deleted: data.deleted,
    reactions: data.deleted
      ? []
      : [...data.reactions].map(([emoji, users]) => ({
          emoji,
          users: users.map(personFor),
          mine: users.includes(user.id),
        })),
    mine: data.author === user.id,
  });

  const compute = (): CommentsSnapshot => {
    const list: Thread[] = [];
    const authors = new Set<string>();
    for (const map of threads.values()) {
      const data = map instanceof Y.Map ? readThread(map) : undefined;
      if (!data) continue;
      const stored = data.anchor ? decodeAnchor(data.anchor) : undefined;
      const anchor = resolveAnchor(textIndex(), stored, data);
      const threadComments = data.comments.map((comment) => toComment(data.id, comment));
      const suggestion = readSuggestion(map);
      for (const comment of data.comments) authors.add(comment.author);
      list.push({
        id: data.id,
        createdBy: personFor(data.createdBy),
        createdAt: data.createdAt,
        quote: data.quote,
        resolved: data.resolved,
        resolvedBy: data.resolvedBy === null ? null : personFor(data.resolvedBy),
        resolvedAt: data.resolvedAt,
        comments: threadComments,
        anchor,
        lastActivityAt: Math.max(
          data.createdAt,
          data.resolvedAt ?? 0,
          ...data.comments.map((comment) => Math.max(comment.createdAt, comment.editedAt ?? 0)),
          suggestion?.decidedAt ?? 0,
        ),
        suggestion: suggestion
          ? {
              proposal: suggestion.proposal,
              status: suggestion.status,
              decidedBy: suggestion.decidedBy === null ? null : personFor(suggestion.decidedBy),
              decidedAt: suggestion.decidedAt,
            }
          : null,
      });
    }
    list.sort(byPosition);
    const ids = new Set<string>([user.id, ...people.keys(), ...authors]);
    return {
      threads: list,
      byId: new Map(list.map((thread) => [thread.id, thread])),
      people: [...ids].map(personFor).sort((a, b) => a.name.localeCompare(b.name)),
    };
  };

  // Threads found again by their quote get their positions written back, so
  // that later edits to the restored text move them like any other anchor.
  // Deferred: a snapshot may be computed while React renders, where writing
  // (and notifying) is not allowed.
  const scheduleHeal = (current: CommentsSnapshot) => {
    if (healScheduled || !current.threads.some((thread) => thread.anchor.reanchored)) return;
    healScheduled = true;
    queueMicrotask(() => {
      healScheduled = false;
      if (destroyed || !canWrite() || !contentReady()) return;
      const fresh = getSnapshot();
      doc.transact(() => {
        for (const thread of fresh.threads) {
          const positions = thread.anchor.positions;
          if (!thread.anchor.reanchored || !positions || healedAt.get(thread.id) === contentVersion) continue;
          healedAt.set(thread.id, contentVersion);
          threads.get(thread.id)?.set(ThreadFields.anchor, encodeAnchor(positions));
        }
      }, store);
    });
  };

  const getSnapshot = (): CommentsSnapshot => {
    if (!snapshot) {
      snapshot = compute();
      scheduleHeal(snapshot);
    }
    return snapshot;
  };

  const requireWritable = () => {
    if (destroyed) throw new TandemClientError("destroyed", "the comments store was destroyed");
    if (!canWrite()) throw new TandemClientError("read-only", "your role does not allow commenting here");
  };

  const cleanBody = (body: string): string => {
    const checked = checkCommentBody(body);
    if (!checked.ok) throw new TandemClientError("invalid-argument", checked.reason);
    return checked.body;
  };

  const threadMap = (threadId: string): Y.Map<unknown> => {
    const map = threads.get(threadId);
    if (!(map instanceof Y.Map)) throw new TandemClientError("not-found", `no thread ${threadId}`);
    return map;
  };

  const commentMap = (threadId: string, commentId: string): Y.Map<unknown> => {
    const found = commentsOf(threadMap(threadId))
      ?.toArray()
      .find((map) => map instanceof Y.Map && map.get(CommentFields.id) === commentId);
    if (!found) throw new TandemClientError("not-found", `no comment ${commentId} in thread ${threadId}`);
    return found;
  };

  const ownComment = (threadId: string, commentId: string): Y.Map<unknown> => {
    const map = commentMap(threadId, commentId);
    if (map.get(CommentFields.author) !== user.id) {
      throw new TandemClientError("not-author", "only a comment's author may change it");
    }
    return map;
  };

  const mentionIds = (body: string) =>
    mentionsIn(body, getSnapshot().people)
      .map((person) => person.id)
      .slice(0, CommentLimits.mentions);

  const recordPresenceIn = () => recordPerson(doc, user);

  // Offsets in the content's text: as given, or where two positions in the content are now.
  const textRangeOf = (range: TextRange | AnchorPositions): TextRange | undefined => {
    if (isTextRange(range)) return range;
    const currentIndex = textIndex();
    const locate = (position: Y.RelativePosition) => {
      const absolute = content.doc && Y.createAbsolutePositionFromRelativePosition(position, content.doc);
      return absolute ? currentIndex.offsetOf(absolute) : undefined;
    };
    const from = locate(range.start);
    const to = locate(range.end);
    return from !== undefined && to !== undefined ? { from: Math.min(from, to), to: Math.max(from, to) } : undefined;
  };

  const outcomeErrors = {
    invalid: "invalid-argument",
    "no-text": "invalid-argument",
    "not-found": "not-found",
    "not-author": "not-author",
    "not-pending": "conflict",
    detached: "conflict",
    "text-changed": "conflict",
  } as const;
  const check = (outcome: SuggestionOutcome): void => {
    if (!outcome.ok) throw new TandemClientError(outcomeErrors[outcome.code], outcome.reason);
  };

  const requireDecider = () => {
    requireWritable();
    if (!canDecide()) throw new TandemClientError("read-only", "your role does not allow accepting or rejecting");
  };

  const actor = () => ({ id: user.id, at: now() });
  const acceptedChangeOrigin = () => options.acceptedChangeOrigin ?? store;

  const store: CommentsStore = {
    user,
    getSnapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    textIndex,

    createThread({ range, body }) {
      requireWritable();
      const text = cleanBody(body);
      const textRange = textRangeOf(range);
      const anchor = textRange && anchorFor(textIndex(), textRange);
      if (!anchor) throw new TandemClientError("invalid-argument", "select some text to comment on");
      const id = createId();
      const createdAt = now();
      const mentions = mentionIds(text);
      doc.transact(() => {
        addThread(
          doc,
          { id, createdBy: user.id, createdAt, anchor: anchor.positions, ...anchor },
          { id: createId(), author: user.id, createdAt, body: text, mentions },
        );
        recordPresenceIn();
      }, store);
      return id;
    },

    reply(threadId, body) {
      requireWritable();
      const text = cleanBody(body);
      const comments = commentsOf(threadMap(threadId));
      if (!comments) throw new TandemClientError("not-found", `thread ${threadId} is malformed`);
      const id = createId();
      const mentions = mentionIds(text);
      doc.transact(() => {
        comments.push([createCommentMap({ id, author: user.id, createdAt: now(), body: text, mentions })]);
        recordPresenceIn();
      }, store);
      return id;
    },

    editComment(threadId, commentId, body) {
      requireWritable();
      const text = cleanBody(body);
      const map = ownComment(threadId, commentId);
      if (map.get(CommentFields.deleted) === true) throw new TandemClientError("not-found", "that comment was deleted");
      const mentions = mentionIds(text);
      doc.transact(() => {
        map.set(CommentFields.body, text);
        map.set(CommentFields.mentions, mentions);
        map.set(CommentFields.editedAt, now());
      }, store);
    },

    deleteComment(threadId, commentId) {
      requireWritable();
      const map = ownComment(threadId, commentId);
      doc.transact(() => {
        map.set(CommentFields.deleted, true);
        map.set(CommentFields.body, "");
        map.set(CommentFields.mentions, []);
      }, store);
    },

    resolveThread(threadId) {
      requireWritable();
      const map = threadMap(threadId);
      doc.transact(() => {
        map.set(ThreadFields.resolved, true);
        map.set(ThreadFields.resolvedBy, user.id);
        map.set(ThreadFields.resolvedAt, now());
      }, store);
    },

    reopenThread(threadId) {
      requireWritable();
      const map = threadMap(threadId);
      doc.transact(() => {
        map.set(ThreadFields.resolved, false);
        map.set(ThreadFields.resolvedBy, null);
        map.set(ThreadFields.resolvedAt, null);
      }, store);
    },

    toggleReaction(threadId, commentId, emoji) {
      requireWritable();
      if (emoji === "" || emoji.length > CommentLimits.emoji) {
        throw new TandemClientError("invalid-argument", "a reaction is one emoji");
      }
      const reactions = commentMap(threadId, commentId).get(CommentFields.reactions);
      if (!(reactions instanceof Y.Map)) throw new TandemClientError("not-found", "that comment takes no reactions");
      const current = reactions.get(user.id);
      const mine: string[] = Array.isArray(current) ? current.filter((value) => typeof value === "string") : [];
      const next = mine.includes(emoji) ? mine.filter((value) => value !== emoji) : [...mine, emoji];
      if (next.length > CommentLimits.reactionsPerUser) {
        throw new TandemClientError("invalid-argument", "too many reactions");
      }
      doc.transact(() => {
        if (next.length === 0) reactions.delete(user.id);
        else reactions.set(user.id, next);
      }, store);
    },

    recordPresence() {
      if (destroyed || !canWrite()) return;
      doc.transact(recordPresenceIn, store);
    },

    suggest({ range, proposal, body }) {
      requireWritable();
      const textRange = textRangeOf(range);
      if (!textRange) throw new TandemClientError("invalid-argument", "that place is not in the document");
      const text = body === undefined || body.trim() === "" ? undefined : cleanBody(body);
      const id = createId();
      const comment = text === undefined ? undefined : { id: createId(), body: text, mentions: mentionIds(text) };
      const outcome = proposeSuggestion(
        doc,
        content,
        {
          id,
          author: user.id,
          createdAt: now(),
          range: textRange,
          proposal,
          ...(comment ? { comment } : {}),
        },
        store,
      );
      check(outcome);
      doc.transact(recordPresenceIn, store);
      return id;
    },

    reviseSuggestion(threadId, change) {
      requireWritable();
      const range = change.range && textRangeOf(change.range);
      if (change.range && !range) throw new TandemClientError("invalid-argument", "that place is not in the document");
      check(
        reviseSuggestion(
          doc,
          content,
          threadId,
          user.id,
          { proposal: change.proposal, ...(range ? { range } : {}) },
          store,
        ),
      );
    },

    acceptSuggestion(threadId) {
      requireDecider();
      check(acceptSuggestion(doc, content, threadId, actor(), store, acceptedChangeOrigin()));
    },

    rejectSuggestion(threadId) {
      requireDecider();
      check(rejectSuggestion(doc, threadId, actor(), store));
    },

    withdrawSuggestion(threadId) {
      requireWritable();
      check(withdrawSuggestion(doc, threadId, actor(), store));
    },

    decideAllBy(authorId, decision) {
      requireDecider();
      const pending = getSnapshot().threads.filter(
        (thread) => thread.suggestion?.status === "pending" && thread.createdBy.id === authorId,
      );
      let decided = 0;
      for (const thread of pending) {
        const outcome =
          decision === "accept"
            ? acceptSuggestion(doc, content, thread.id, actor(), store, acceptedChangeOrigin())
            : rejectSuggestion(doc, thread.id, actor(), store);
        if (outcome.ok) decided++;
      }
      return decided;
    },

    destroy() {
      destroyed = true;
      threads.unobserveDeep(onComments);
      people.unobserve(onComments);
      content.unobserveDeep(onContent);
      listeners.clear();
    },
  };
  return store;
}
