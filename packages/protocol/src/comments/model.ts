/**
 * The layout of a comments document (`<name>#comments`): the wire contract
 * between every client that reads or writes comment threads and the server,
 * which checks each update against it ({@link checkCommentsUpdate}).
 *
 * ```text
 * Y.Doc
 * ├─ threads: Y.Map<thread id, Y.Map>       one entry per thread, never removed
 * │   └─ thread: id, createdBy, createdAt, quote, contextBefore, contextAfter   (set once)
 * │              anchor, resolved, resolvedBy, resolvedAt                       (anyone with comment rights)
 * │              suggestion, status, decidedBy, decidedAt, change               (suggestions only: suggestions.ts)
 * │              comments: Y.Array<Y.Map>                                       (append only)
 * │                 └─ comment: id, author, createdAt, reactions                (set once)
 * │                             body, mentions, editedAt, deleted               (its author only)
 * │                             reactions: Y.Map<user id, string[]>             (each user their own entry)
 * └─ people: Y.Map<user id, { name, color, program? }>   who has taken part, for @mentions (each their own entry)
 * ```
 *
 * A thread or comment is created in one transaction with all its set-once
 * fields; later updates may change only the fields listed as mutable. A
 * comment is deleted by its author setting `deleted` (and emptying `body`),
 * never by removing it, so replies keep their place.
 */
import * as Y from "yjs";
import { isUserColor } from "../users.js";

/** Names of the root types of a comments document. */
export const CommentsRoots = { threads: "threads", people: "people" } as const;

/** Fields of a thread map. */
export const ThreadFields = {
  id: "id",
  createdBy: "createdBy",
  createdAt: "createdAt",
  quote: "quote",
  contextBefore: "contextBefore",
  contextAfter: "contextAfter",
  anchor: "anchor",
  resolved: "resolved",
  resolvedBy: "resolvedBy",
  resolvedAt: "resolvedAt",
  suggestion: "suggestion",
  status: "status",
  decidedBy: "decidedBy",
  decidedAt: "decidedAt",
  change: "change",
  comments: "comments",
} as const;

/** Fields of a comment map. */
export const CommentFields = {
  id: "id",
  author: "author",
  createdAt: "createdAt",
  body: "body",
  mentions: "mentions",
  editedAt: "editedAt",
  deleted: "deleted",
  reactions: "reactions",
} as const;

/** Thread fields anyone with comment rights may change after the thread exists. */
export const MUTABLE_THREAD_FIELDS: ReadonlySet<string> = new Set([
  ThreadFields.anchor,
  ThreadFields.resolved,
  ThreadFields.resolvedBy,
  ThreadFields.resolvedAt,
]);

/** Comment fields only the comment's author may change after the comment exists. */
export const AUTHOR_EDITABLE_COMMENT_FIELDS: ReadonlySet<string> = new Set([
  CommentFields.body,
  CommentFields.mentions,
  CommentFields.editedAt,
  CommentFields.deleted,
]);

/** Size limits the server enforces on comment data (characters, or entries). */
export const CommentLimits = {
  id: 64,
  userId: 200,
  name: 100,
  body: 10_000,
  quote: 5_000,
  context: 100,
  mentions: 50,
  reactionsPerUser: 20,
  emoji: 32,
  anchorBytes: 256,
  suggestionText: 10_000,
  markName: 64,
  markAttributesJson: 2_000,
  /** Bytes of an accepted suggestion's change (a Yjs update): the proposed text, its item ids and the deletions. */
  changeBytes: 64_000,
} as const;

/**
 * A comment's text as it is stored: trimmed, then 1 to
 * {@link CommentLimits.body} characters. The client kit and the server's
 * REST proposals both check with this, so a comment one accepts the other
 * accepts too; each throws its own package's error with `reason`.
 *
 * @example
 * const checked = checkCommentBody("  Looks good. ");
 * if (checked.ok) write(checked.body); // "Looks good."
 */
export function checkCommentBody(
  body: string,
): { readonly ok: true; readonly body: string } | { readonly ok: false; readonly reason: string } {
  const trimmed = body.trim();
  if (trimmed === "") return { ok: false, reason: "a comment needs some text" };
  if (trimmed.length > CommentLimits.body) {
    return { ok: false, reason: `a comment is at most ${CommentLimits.body} characters` };
  }
  return { ok: true, body: trimmed };
}

/** A user as the comments document records them in `people`, for names and @mentions. */
export interface PersonData {
  readonly name: string;
  readonly color: string;
  /** `true` for a program (its token says so; the server checks it); absent for a person. */
  readonly program?: true;
}

/**
 * Records `user` in the `people` of a comments document (`program: true`
 * only for a program), unless the entry already says exactly that, so an
 * unchanged person writes nothing. For the writer themselves only: the
 * server refuses an entry under another id or name.
 */
export function recordPerson(
  doc: Y.Doc,
  user: { readonly id: string; readonly name: string; readonly color: string; readonly program?: boolean },
): void {
  const people = doc.getMap<PersonData>(CommentsRoots.people);
  const entry = people.get(user.id);
  if (entry?.name === user.name && entry.color === user.color && (entry.program === true) === (user.program === true)) {
    return;
  }
  people.set(user.id, { name: user.name, color: user.color, ...(user.program ? { program: true as const } : {}) });
}

/** A plain snapshot of one comment. */
export interface CommentData {
  readonly id: string;
  readonly author: string;
  readonly createdAt: number;
  readonly body: string;
  readonly mentions: readonly string[];
  readonly editedAt: number | null;
  readonly deleted: boolean;
  /** Emoji to the ids of the users who reacted with it, in first-reaction order. */
  readonly reactions: ReadonlyMap<string, readonly string[]>;
}

/** A plain snapshot of one thread, without its anchor resolved. */
export interface ThreadData {
  readonly id: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly quote: string;
  readonly contextBefore: string;
  readonly contextAfter: string;
  /** The anchor's encoded relative positions; see {@link decodeAnchor}. */
  readonly anchor: Uint8Array | null;
  readonly resolved: boolean;
  readonly resolvedBy: string | null;
  readonly resolvedAt: number | null;
  readonly comments: readonly CommentData[];
}

/** The `threads` root of a comments document. */
export function threadsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(CommentsRoots.threads);
}

/** The `people` root of a comments document. */
export function peopleOf(doc: Y.Doc): Y.Map<PersonData> {
  return doc.getMap(CommentsRoots.people);
}

/** A thread's anchor: a range of the content document as two relative positions. */
export interface AnchorPositions {
  readonly start: Y.RelativePosition;
  readonly end: Y.RelativePosition;
}

const ANCHOR_FORMAT = 1;

/**
 * Encodes an anchor for the `anchor` field: a format byte, the start
 * position's length (two bytes, big-endian), then both encoded positions.
 */
export function encodeAnchor(anchor: AnchorPositions): Uint8Array {
  const start = Y.encodeRelativePosition(anchor.start);
  const end = Y.encodeRelativePosition(anchor.end);
  const bytes = new Uint8Array(3 + start.length + end.length);
  bytes[0] = ANCHOR_FORMAT;
  bytes[1] = start.length >> 8;
  bytes[2] = start.length & 0xff;
  bytes.set(start, 3);
  bytes.set(end, 3 + start.length);
  return bytes;
}

/** Decodes an `anchor` field; `undefined` when the bytes are not a well-formed anchor. */
export function decodeAnchor(bytes: Uint8Array): AnchorPositions | undefined {
  if (bytes.length < 3 || bytes.length > CommentLimits.anchorBytes || bytes[0] !== ANCHOR_FORMAT) return undefined;
  const startLength = ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0);
  if (3 + startLength >= bytes.length) return undefined;
  try {
    const start = Y.decodeRelativePosition(bytes.subarray(3, 3 + startLength));
    const end = Y.decodeRelativePosition(bytes.subarray(3 + startLength));
    if (!wellFormed(start) || !wellFormed(end)) return undefined;
    return { start, end };
  } catch {
    return undefined;
  }
}

// Yjs's decoder fills in nulls rather than failing on some malformed input;
// a usable position names an item, a root type or a type item.
function wellFormed(position: Y.RelativePosition): boolean {
  return position.item !== null || position.tname !== null || position.type !== null;
}

/** Fields of a new thread, as {@link createThreadMap} takes them. */
export interface NewThread {
  readonly id: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly anchor: AnchorPositions;
  readonly quote: string;
  readonly contextBefore: string;
  readonly contextAfter: string;
}

/** Fields of a new comment, as {@link createCommentMap} takes them. */
export interface NewComment {
  readonly id: string;
  readonly author: string;
  readonly createdAt: number;
  readonly body: string;
  readonly mentions: readonly string[];
}

/**
 * A thread map with every set-once field and an empty `comments` array, to
 * be added to {@link threadsOf} under its id in the same transaction as its
 * first comment.
 */
export function createThreadMap(thread: NewThread): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set(ThreadFields.id, thread.id);
  map.set(ThreadFields.createdBy, thread.createdBy);
  map.set(ThreadFields.createdAt, thread.createdAt);
  map.set(ThreadFields.quote, thread.quote.slice(0, CommentLimits.quote));
  map.set(ThreadFields.contextBefore, thread.contextBefore.slice(-CommentLimits.context));
  map.set(ThreadFields.contextAfter, thread.contextAfter.slice(0, CommentLimits.context));
  map.set(ThreadFields.anchor, encodeAnchor(thread.anchor));
  map.set(ThreadFields.resolved, false);
  map.set(ThreadFields.resolvedBy, null);
  map.set(ThreadFields.resolvedAt, null);
  map.set(ThreadFields.comments, new Y.Array<Y.Map<unknown>>());
  return map;
}

/** A comment map with every field set, to be pushed onto a thread's `comments`. */
export function createCommentMap(comment: NewComment): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set(CommentFields.id, comment.id);
  map.set(CommentFields.author, comment.author);
  map.set(CommentFields.createdAt, comment.createdAt);
  map.set(CommentFields.body, comment.body);
  map.set(CommentFields.mentions, [...comment.mentions]);
  map.set(CommentFields.editedAt, null);
  map.set(CommentFields.deleted, false);
  map.set(CommentFields.reactions, new Y.Map<string[]>());
  return map;
}

/**
 * Adds a thread to a comments document under its id, with `first` as its
 * first comment (a suggestion may come without one), and returns its map.
 * Call it inside a transaction, with anything else the thread needs, so
 * that it arrives whole: the server checks a new thread in one update.
 *
 * @example
 * ```ts
 * doc.transact(() => {
 *   addThread(doc, { id, createdBy: "ada", createdAt: Date.now(), anchor: at.positions, ...at },
 *     { id: commentId, author: "ada", createdAt: Date.now(), body: "Why?", mentions: [] });
 * });
 * ```
 */
export function addThread(doc: Y.Doc, thread: NewThread, first?: NewComment): Y.Map<unknown> {
  const map = createThreadMap(thread);
  threadsOf(doc).set(thread.id, map);
  if (first) commentsOf(map)?.push([createCommentMap(first)]);
  return map;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The comments of `thread`, as stored. */
export function commentsOf(thread: Y.Map<unknown>): Y.Array<Y.Map<unknown>> | undefined {
  const comments = thread.get(ThreadFields.comments);
  return comments instanceof Y.Array ? (comments as Y.Array<Y.Map<unknown>>) : undefined;
}

/**
 * Reads one comment map. Returns `undefined` for a map that does not hold a
 * well-formed comment (the server refuses those, but a reader stays defensive).
 */
export function readComment(map: Y.Map<unknown>): CommentData | undefined {
  const id = map.get(CommentFields.id);
  const author = map.get(CommentFields.author);
  const createdAt = map.get(CommentFields.createdAt);
  const body = map.get(CommentFields.body);
  if (!isString(id) || !isString(author) || !isFiniteNumber(createdAt) || !isString(body)) return undefined;
  const mentions = map.get(CommentFields.mentions);
  const editedAt = map.get(CommentFields.editedAt);
  const reactionsMap = map.get(CommentFields.reactions);
  const reactions = new Map<string, string[]>();
  if (reactionsMap instanceof Y.Map) {
    // Sorted by user id so that every client lists reactions in the same order.
    const entries = [...(reactionsMap as Y.Map<unknown>).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [userId, emojis] of entries) {
      if (!Array.isArray(emojis)) continue;
      for (const emoji of emojis) {
        if (!isString(emoji)) continue;
        const users = reactions.get(emoji) ?? [];
        if (!users.includes(userId)) users.push(userId);
        reactions.set(emoji, users);
      }
    }
  }
  return {
    id,
    author,
    createdAt,
    body,
    mentions: Array.isArray(mentions) ? mentions.filter(isString) : [],
    editedAt: isFiniteNumber(editedAt) ? editedAt : null,
    deleted: map.get(CommentFields.deleted) === true,
    reactions,
  };
}

/** Reads one thread map with its comments; `undefined` when it is not well-formed. */
export function readThread(map: Y.Map<unknown>): ThreadData | undefined {
  const id = map.get(ThreadFields.id);
  const createdBy = map.get(ThreadFields.createdBy);
  const createdAt = map.get(ThreadFields.createdAt);
  const comments = commentsOf(map);
  if (!isString(id) || !isString(createdBy) || !isFiniteNumber(createdAt) || comments === undefined) return undefined;
  const anchor = map.get(ThreadFields.anchor);
  const quote = map.get(ThreadFields.quote);
  const contextBefore = map.get(ThreadFields.contextBefore);
  const contextAfter = map.get(ThreadFields.contextAfter);
  const resolvedBy = map.get(ThreadFields.resolvedBy);
  const resolvedAt = map.get(ThreadFields.resolvedAt);
  return {
    id,
    createdBy,
    createdAt,
    quote: isString(quote) ? quote : "",
    contextBefore: isString(contextBefore) ? contextBefore : "",
    contextAfter: isString(contextAfter) ? contextAfter : "",
    anchor: anchor instanceof Uint8Array ? anchor : null,
    resolved: map.get(ThreadFields.resolved) === true,
    resolvedBy: isString(resolvedBy) ? resolvedBy : null,
    resolvedAt: isFiniteNumber(resolvedAt) ? resolvedAt : null,
    comments: comments.toArray().flatMap((comment) => {
      const data = comment instanceof Y.Map ? readComment(comment) : undefined;
      return data ? [data] : [];
    }),
  };
}

/** Whether `value` is a colour the comments document accepts: `#rrggbb`. */
export function isPersonColor(value: unknown): value is string {
  return isUserColor(value);
}
