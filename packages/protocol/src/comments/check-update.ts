/**
 * The server's ownership check for comments documents. A client with comment
 * rights may write the comments document, but the document holds everyone's
 * comments, so each update is inspected before it is applied: only a
 * comment's author may edit or delete it, and nobody may write as someone
 * else.
 *
 * The check reads the update's structs and delete set and resolves each
 * change to the field it touches, looking its parents up in the live
 * document (by ID, O(log n) each) without applying anything, so its cost
 * grows with the update, not the document.
 */
import * as Y from "yjs";
import {
  AUTHOR_EDITABLE_COMMENT_FIELDS,
  CommentFields,
  CommentLimits,
  CommentsRoots,
  decodeAnchor,
  isPersonColor,
  MUTABLE_THREAD_FIELDS,
  ThreadFields,
} from "./model.js";
import { isSuggestionStatus, parseProposal, readSuggestion } from "./suggestions.js";

/**
 * A suggestion an update accepts, with the change the acceptor recorded (see
 * `acceptSuggestion`): what the server makes of it is up to the matching rule
 * (`matchAcceptedChange`), which needs the content document.
 */
export interface AcceptedSuggestion {
  readonly threadId: string;
  /** Who proposed it (the thread's `createdBy`). */
  readonly suggester: string;
  /** The thread as it is before the update: still pending, with its anchor, quote and proposal. */
  readonly thread: Y.Map<unknown>;
  /** The recorded change, a Yjs update for the content; absent when the decision carries none. */
  readonly change?: Uint8Array;
}

/**
 * The outcome of {@link checkCommentsUpdate}; an allowed update that accepts
 * suggestions lists them in `accepted`.
 */
export type CommentsUpdateVerdict =
  | { readonly ok: true; readonly accepted?: readonly AcceptedSuggestion[] }
  | { readonly ok: false; readonly reason: string };

/** Who sends an update, as the server knows them from their token. */
export interface CommentsWriter {
  readonly id: string;
  /** When given, the writer's `people` entry must carry this name, so nobody can show up under another name. */
  readonly name?: string;
  /**
   * Whether the writer is a program, as its token says: only then may its
   * `people` entry say `program: true`, so no person can pass for a program.
   */
  readonly program?: boolean;
  /**
   * Whether the writer's role may change the content (editor, owner), and so
   * accept or reject suggestions. Defaults to false.
   */
  readonly canDecide?: boolean;
}

// Thread fields a suggestion's author may revise while it is pending, and the
// fields of its decision. Changes to them are collected per thread and
// checked together, because the rules span fields (a status needs its decider).
const REVISABLE_FIELDS: ReadonlySet<string> = new Set([
  ThreadFields.suggestion,
  ThreadFields.quote,
  ThreadFields.contextBefore,
  ThreadFields.contextAfter,
]);
const DECISION_FIELDS: ReadonlySet<string> = new Set([
  ThreadFields.status,
  ThreadFields.decidedBy,
  ThreadFields.decidedAt,
  ThreadFields.change,
]);

// One struct of the update or of the document, and whether it is new.
interface Node {
  readonly item: Y.Item;
  readonly isNew: boolean;
}

type Location =
  | { readonly kind: "thread"; readonly threadId: string }
  | { readonly kind: "thread-field"; readonly thread: Node; readonly field: string }
  | { readonly kind: "comment"; readonly thread: Node }
  | { readonly kind: "comment-field"; readonly comment: Node; readonly field: string }
  | { readonly kind: "reaction"; readonly comment: Node; readonly userId: string }
  | { readonly kind: "person"; readonly userId: string }
  | { readonly kind: "unknown" };

interface Placement {
  readonly parent: string | Node;
  readonly key: string | null;
}

type Value =
  | { readonly kind: "any"; readonly value: unknown }
  | { readonly kind: "binary"; readonly value: Uint8Array }
  | { readonly kind: "type"; readonly value: Y.AbstractType<unknown> }
  | { readonly kind: "deleted" }
  | { readonly kind: "other" };

// Yjs does not export its DeleteSet class; this is the part the check reads.
type DeleteSet = ReturnType<typeof Y.decodeUpdate>["ds"];

class Refusal extends Error {}

function refuse(reason: string): never {
  throw new Refusal(reason);
}

const isString = (value: unknown): value is string => typeof value === "string";
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

function contentValue(item: Y.Item): Value {
  const content = item.content;
  if (content instanceof Y.ContentAny) {
    return content.arr.length === 1 ? { kind: "any", value: content.arr[0] } : { kind: "other" };
  }
  if (content instanceof Y.ContentBinary) return { kind: "binary", value: content.content };
  if (content instanceof Y.ContentType) return { kind: "type", value: content.type };
  if (content instanceof Y.ContentDeleted) return { kind: "deleted" };
  return { kind: "other" };
}

/**
 * Checks an update a client sent for a comments document before the server
 * applies it. It enforces the layout described in `model.ts`:
 * - anyone may create a thread (as themselves), reply (as themselves), react
 *   (only their own entry), resolve or reopen, re-anchor a thread, and record
 *   themselves in `people`;
 * - only a comment's author may change its body, mentions, editedAt or deleted;
 * - set-once fields (ids, authors, creation times, quotes) never change, and
 *   threads and comments are never removed;
 * - suggestions (see `suggestions.ts`) are created pending; only their author
 *   revises a pending one (its proposal, of the same kind, and its quote) or
 *   withdraws it; only a writer with `canDecide` accepts or rejects one; a
 *   decision is made once and names its writer;
 * - values have the documented types and sizes.
 *
 * An update that depends on changes the document does not have (a gap in a
 * client's clock, or a reference to an unknown item) is refused too: Yjs
 * would park it and apply it later, after this check.
 *
 * @param doc the live comments document, before the update.
 * @param update a Yjs update (format v1, as the sync protocol carries it).
 * @param writer the identity of the connection that sent it (or just its user id).
 *
 * @example
 * ```ts
 * const verdict = checkCommentsUpdate(document, update, { id: identity.id, name: identity.name });
 * if (!verdict.ok) refuseUpdate(verdict.reason);
 * ```
 */
export function checkCommentsUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  writer: CommentsWriter | string,
): CommentsUpdateVerdict {
  let decoded: { structs: Array<Y.Item | Y.GC | Y.Skip>; ds: DeleteSet };
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { ok: false, reason: "the update does not decode" };
  }
  try {
    const check = new UpdateCheck(doc, typeof writer === "string" ? { id: writer } : writer);
    check.run(decoded.structs, decoded.ds);
    return check.accepted.length === 0 ? { ok: true } : { ok: true, accepted: check.accepted };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    // Yjs throws on structurally impossible references; that is a refusal too, never a crash.
    return { ok: false, reason: `the update is inconsistent with the document: ${String(error)}` };
  }
}

class UpdateCheck {
  private readonly store: Y.Doc["store"];
  // New items of the update, per client, in clock order.
  private readonly added = new Map<number, Y.Item[]>();
  private readonly placements = new Map<Y.Item, Placement>();
  private readonly locations = new Map<Y.Item, Location>();
  private readonly newThreads = new Map<Y.Item, Map<string, Value>>();
  private readonly newComments = new Map<Y.Item, Map<string, Value>>();
  // Suggestion fields written on existing threads, per thread item.
  private readonly suggestionChanges = new Map<Y.Item, Map<string, Value>>();
  /** The suggestions the update accepts. */
  readonly accepted: AcceptedSuggestion[] = [];

  constructor(
    private readonly doc: Y.Doc,
    private readonly writer: CommentsWriter,
  ) {
    this.store = doc.store;
  }

  run(structs: Array<Y.Item | Y.GC | Y.Skip>, ds: DeleteSet): void {
    this.collectNewItems(structs);
    for (const items of this.added.values()) {
      for (const item of items) this.checkDependencies(item);
    }
    for (const items of this.added.values()) {
      for (const item of items) this.checkWrite(item);
    }
    for (const [thread, fields] of this.newThreads) this.checkNewThread(thread, fields);
    for (const fields of this.newComments.values()) this.checkNewComment(fields);
    for (const [thread, fields] of this.suggestionChanges) this.checkSuggestionChange(thread, fields);
    this.checkDeletions(ds);
  }

  private collectNewItems(structs: Array<Y.Item | Y.GC | Y.Skip>): void {
    const expected = new Map<number, number>();
    for (const struct of structs) {
      const { client, clock } = struct.id;
      const next = expected.get(client) ?? Y.getState(this.store, client);
      if (struct instanceof Y.Skip) continue;
      if (clock > next) refuse("the update depends on changes the server does not have");
      expected.set(client, Math.max(next, clock + struct.length));
      if (clock + struct.length <= Y.getState(this.store, client)) continue; // already applied
      if (struct instanceof Y.GC) continue; // deleted content: occupies ids, changes nothing
      const items = this.added.get(client) ?? [];
      items.push(struct);
      this.added.set(client, items);
    }
  }

  /** The struct containing `id`, new or existing; refuses ids that exist nowhere. */
  private find(id: Y.ID): Node {
    const items = this.added.get(id.client);
    if (items !== undefined) {
      let low = 0;
      let high = items.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const item = items[middle] as Y.Item;
        if (id.clock < item.id.clock) high = middle - 1;
        else if (id.clock >= item.id.clock + item.length) low = middle + 1;
        else return { item, isNew: true };
      }
    }
    if (id.clock < Y.getState(this.store, id.client)) {
      const structs = this.store.clients.get(id.client) ?? [];
      const struct = structs[Y.findIndexSS(structs, id.clock)];
      if (struct instanceof Y.Item) return { item: struct, isNew: false };
      refuse("the update refers to garbage-collected content");
    }
    refuse("the update refers to content the server does not have");
  }

  private checkDependencies(item: Y.Item): void {
    if (item.origin) this.find(item.origin);
    if (item.rightOrigin) this.find(item.rightOrigin);
    if (item.parent instanceof Y.ID) this.find(item.parent);
  }

  /**
   * Where `node` sits: its parent (a root name or a struct holding a type) and
   * its key. A decoded struct carries its parent only when it has no
   * neighbours; otherwise it shares its neighbour's parent and key, so runs of
   * neighbours are followed in a loop (an update may hold thousands of them).
   */
  private placement(node: Node): Placement {
    const chain = new Set<Y.Item>();
    let current = node;
    let result: Placement | undefined;
    while (result === undefined) {
      result = this.placements.get(current.item);
      if (result !== undefined) break;
      if (!current.isNew || current.item.parent !== null) {
        result = this.directPlacement(current);
        break;
      }
      chain.add(current.item);
      const neighbour = current.item.origin ?? current.item.rightOrigin;
      if (neighbour === null) refuse("the update has an item without a parent");
      current = this.find(neighbour);
      if (chain.has(current.item)) refuse("the update has items that are their own neighbours");
    }
    for (const item of chain) this.placements.set(item, result);
    return result;
  }

  private directPlacement({ item, isNew }: Node): Placement {
    if (!isNew) {
      const type = item.parent as Y.AbstractType<unknown>;
      if (type._item === null) return { parent: Y.findRootTypeKey(type), key: item.parentSub };
      return { parent: { item: type._item, isNew: false }, key: item.parentSub };
    }
    const parent = item.parent as unknown;
    if (typeof parent === "string") return { parent, key: item.parentSub };
    const holder = this.find(parent as Y.ID);
    if (!(holder.item.content instanceof Y.ContentType))
      refuse("the update nests content in a value that is not a type");
    return { parent: holder, key: item.parentSub };
  }

  private locate(node: Node): Location {
    const known = this.locations.get(node.item);
    if (known) return known;
    const location = this.computeLocation(node);
    this.locations.set(node.item, location);
    return location;
  }

  private computeLocation(node: Node): Location {
    const { parent, key } = this.placement(node);
    if (typeof parent === "string") {
      if (key === null) return { kind: "unknown" };
      if (parent === CommentsRoots.threads) return { kind: "thread", threadId: key };
      if (parent === CommentsRoots.people) return { kind: "person", userId: key };
      return { kind: "unknown" };
    }
    const outer = this.locate(parent);
    if (outer.kind === "thread" && key !== null) return { kind: "thread-field", thread: parent, field: key };
    if (outer.kind === "thread-field" && outer.field === ThreadFields.comments && key === null) {
      return { kind: "comment", thread: outer.thread };
    }
    if (outer.kind === "comment" && key !== null) return { kind: "comment-field", comment: parent, field: key };
    if (outer.kind === "comment-field" && outer.field === CommentFields.reactions && key !== null) {
      return { kind: "reaction", comment: outer.comment, userId: key };
    }
    return { kind: "unknown" };
  }

  private authorOf(comment: Node): unknown {
    const content = comment.item.content;
    return content instanceof Y.ContentType && content.type instanceof Y.Map
      ? content.type.get(CommentFields.author)
      : undefined;
  }

  private checkWrite(item: Y.Item): void {
    const node: Node = { item, isNew: true };
    const location = this.locate(node);
    const value = contentValue(item);
    if (value.kind === "other") refuse("the update writes a kind of content comments do not use");
    switch (location.kind) {
      case "thread": {
        if (this.threadExists(location.threadId)) refuse(`thread ${location.threadId} already exists`);
        if (value.kind !== "type" || !(value.value instanceof Y.Map)) refuse("a thread must be a map");
        this.newThreads.set(item, new Map());
        return;
      }
      case "thread-field": {
        const fields = location.thread.isNew ? this.newThreads.get(location.thread.item) : undefined;
        if (fields) fields.set(location.field, value);
        else if (REVISABLE_FIELDS.has(location.field) || DECISION_FIELDS.has(location.field)) {
          const changes = this.suggestionChanges.get(location.thread.item) ?? new Map<string, Value>();
          // A key set twice in one transaction leaves a deleted first value; the live one is checked.
          if (value.kind !== "deleted" || !changes.has(location.field)) changes.set(location.field, value);
          this.suggestionChanges.set(location.thread.item, changes);
        } else if (!MUTABLE_THREAD_FIELDS.has(location.field)) refuse(`a thread's ${location.field} never changes`);
        if (value.kind !== "deleted") this.checkThreadValue(location.field, value);
        return;
      }
      case "comment": {
        if (value.kind !== "type" || !(value.value instanceof Y.Map)) refuse("a comment must be a map");
        this.newComments.set(item, new Map());
        return;
      }
      case "comment-field": {
        const fields = location.comment.isNew ? this.newComments.get(location.comment.item) : undefined;
        if (fields) {
          fields.set(location.field, value);
        } else {
          if (!AUTHOR_EDITABLE_COMMENT_FIELDS.has(location.field))
            refuse(`a comment's ${location.field} never changes`);
          if (this.authorOf(location.comment) !== this.writer.id) refuse("only a comment's author may edit it");
        }
        if (value.kind !== "deleted") this.checkCommentValue(location.field, value);
        return;
      }
      case "reaction": {
        if (location.userId !== this.writer.id) refuse("a user may only change their own reactions");
        if (value.kind === "deleted") return;
        const emojis = value.kind === "any" ? value.value : undefined;
        if (
          !Array.isArray(emojis) ||
          emojis.length > CommentLimits.reactionsPerUser ||
          !emojis.every((emoji) => isString(emoji) && emoji.length > 0 && emoji.length <= CommentLimits.emoji)
        ) {
          refuse("reactions must be a short list of emoji");
        }
        return;
      }
      case "person": {
        if (location.userId !== this.writer.id) refuse("a user may only record themselves in people");
        if (value.kind === "deleted") return;
        const person = value.kind === "any" ? (value.value as { name?: unknown; color?: unknown } | null) : null;
        if (
          person === null ||
          typeof person !== "object" ||
          !isString(person.name) ||
          person.name.length > CommentLimits.name ||
          !isPersonColor(person.color)
        ) {
          refuse("a person is { name, color }");
        }
        if (this.writer.name !== undefined && person.name !== this.writer.name) {
          refuse("a user may only record themselves under their own name");
        }
        const program = (person as { program?: unknown }).program;
        if (program !== undefined && (program !== true || this.writer.program !== true)) {
          refuse("only a program may record itself as one");
        }
        return;
      }
      case "unknown":
        refuse("the update writes outside the comments layout");
    }
  }

  private threadExists(threadId: string): boolean {
    const threads = this.doc.share.get(CommentsRoots.threads);
    return threads?._map.has(threadId) ?? false;
  }

  private checkThreadValue(field: string, value: Value): void {
    const plain = value.kind === "any" ? value.value : undefined;
    switch (field) {
      case ThreadFields.id:
        if (!isString(plain) || plain.length === 0 || plain.length > CommentLimits.id) refuse("bad thread id");
        return;
      case ThreadFields.createdBy:
        if (plain !== this.writer.id) refuse("a thread is created by its writer");
        return;
      case ThreadFields.createdAt:
      case ThreadFields.resolvedAt:
        if (!isFiniteNumber(plain) && !(field === ThreadFields.resolvedAt && plain === null)) refuse(`bad ${field}`);
        return;
      case ThreadFields.quote:
        if (!isString(plain) || plain.length > CommentLimits.quote) refuse("bad quote");
        return;
      case ThreadFields.contextBefore:
      case ThreadFields.contextAfter:
        if (!isString(plain) || plain.length > CommentLimits.context) refuse(`bad ${field}`);
        return;
      case ThreadFields.anchor:
        if (value.kind !== "binary" || decodeAnchor(value.value) === undefined) refuse("bad anchor");
        return;
      case ThreadFields.resolved:
        if (typeof plain !== "boolean") refuse("resolved is a boolean");
        return;
      case ThreadFields.resolvedBy:
        if (plain !== null && plain !== this.writer.id) refuse("a thread is resolved by its writer");
        return;
      case ThreadFields.comments:
        if (value.kind !== "type" || !(value.value instanceof Y.Array)) refuse("comments is a list");
        return;
      case ThreadFields.suggestion:
        if (parseProposal(plain) === undefined) refuse("bad suggestion");
        return;
      case ThreadFields.status:
        if (!isSuggestionStatus(plain)) refuse("bad status");
        return;
      case ThreadFields.decidedBy:
        if (plain !== null && plain !== this.writer.id) refuse("a suggestion is decided by its writer");
        return;
      case ThreadFields.decidedAt:
        if (plain !== null && !isFiniteNumber(plain)) refuse("bad decidedAt");
        return;
      case ThreadFields.change:
        if (value.kind !== "binary" || value.value.length > CommentLimits.changeBytes) refuse("bad change");
        return;
      default:
        refuse(`threads have no field ${field}`);
    }
  }

  private checkCommentValue(field: string, value: Value): void {
    const plain = value.kind === "any" ? value.value : undefined;
    switch (field) {
      case CommentFields.id:
        if (!isString(plain) || plain.length === 0 || plain.length > CommentLimits.id) refuse("bad comment id");
        return;
      case CommentFields.author:
        if (plain !== this.writer.id) refuse("a comment's author is its writer");
        return;
      case CommentFields.createdAt:
        if (!isFiniteNumber(plain)) refuse("bad createdAt");
        return;
      case CommentFields.editedAt:
        if (plain !== null && !isFiniteNumber(plain)) refuse("bad editedAt");
        return;
      case CommentFields.body:
        if (!isString(plain) || plain.length > CommentLimits.body) refuse("bad body");
        return;
      case CommentFields.mentions:
        if (
          !Array.isArray(plain) ||
          plain.length > CommentLimits.mentions ||
          !plain.every((id) => isString(id) && id.length <= CommentLimits.userId)
        ) {
          refuse("bad mentions");
        }
        return;
      case CommentFields.deleted:
        if (typeof plain !== "boolean") refuse("deleted is a boolean");
        return;
      case CommentFields.reactions:
        if (value.kind !== "type" || !(value.value instanceof Y.Map)) refuse("reactions is a map");
        return;
      default:
        refuse(`comments have no field ${field}`);
    }
  }

  private checkNewThread(thread: Y.Item, fields: Map<string, Value>): void {
    for (const field of [
      ThreadFields.id,
      ThreadFields.createdBy,
      ThreadFields.createdAt,
      ThreadFields.anchor,
      ThreadFields.comments,
    ]) {
      if (!fields.has(field)) refuse(`a new thread needs ${field}`);
    }
    const id = fields.get(ThreadFields.id);
    const location = this.locate({ item: thread, isNew: true });
    if (id?.kind !== "any" || location.kind !== "thread" || id.value !== location.threadId) {
      refuse("a thread is stored under its own id");
    }
    const plain = (field: string) => {
      const value = fields.get(field);
      return value?.kind === "any" ? value.value : undefined;
    };
    const proposal = parseProposal(plain(ThreadFields.suggestion));
    if (proposal === undefined) {
      for (const field of DECISION_FIELDS) {
        if (fields.has(field)) refuse("only a suggestion has a status");
      }
      return;
    }
    if (
      plain(ThreadFields.status) !== "pending" ||
      plain(ThreadFields.decidedBy) !== null ||
      fields.has(ThreadFields.change)
    ) {
      refuse("a new suggestion is pending");
    }
    this.checkQuoteFits(proposal.kind, plain(ThreadFields.quote));
  }

  // An insertion is anchored at a point (an empty quote); every other change quotes its text.
  private checkQuoteFits(kind: string, quote: unknown): void {
    if (!isString(quote) || (kind === "insert") !== (quote === "")) {
      refuse("a suggestion quotes the text it changes, and an insertion quotes none");
    }
  }

  private threadMapOf(thread: Y.Item): Y.Map<unknown> {
    const content = thread.content;
    if (!(content instanceof Y.ContentType) || !(content.type instanceof Y.Map)) refuse("a thread must be a map");
    return content.type as Y.Map<unknown>;
  }

  /**
   * Changes to the suggestion fields of an existing thread, against the
   * thread as it is before the update: revisions by the author while pending,
   * and one decision out of pending, with its decider.
   */
  private checkSuggestionChange(thread: Y.Item, changes: Map<string, Value>): void {
    const map = this.threadMapOf(thread);
    const current = readSuggestion(map);
    if (current === undefined) refuse(`a thread's ${[...changes.keys()].join(", ")} never changes`);
    if (current.status !== "pending") refuse(`the suggestion is already ${current.status}`);
    const plain = (field: string) => {
      const value = changes.get(field);
      return value?.kind === "any" ? value.value : undefined;
    };
    const author = map.get(ThreadFields.createdBy);
    if ([...changes.keys()].some((field) => REVISABLE_FIELDS.has(field))) {
      if (author !== this.writer.id) refuse("only a suggestion's author may revise it");
      const proposal = changes.has(ThreadFields.suggestion) ? parseProposal(plain(ThreadFields.suggestion)) : undefined;
      if (proposal && proposal.kind !== current.proposal.kind) refuse("a suggestion keeps its kind");
      if (changes.has(ThreadFields.quote)) this.checkQuoteFits(current.proposal.kind, plain(ThreadFields.quote));
    }
    if (![...changes.keys()].some((field) => DECISION_FIELDS.has(field))) return;
    const status = plain(ThreadFields.status);
    if (!changes.has(ThreadFields.status) || status === "pending")
      refuse("a decision moves a suggestion out of pending");
    if (status === "withdrawn" && author !== this.writer.id) refuse("only a suggestion's author may withdraw it");
    if ((status === "accepted" || status === "rejected") && this.writer.canDecide !== true) {
      refuse("only an editor or owner may accept or reject a suggestion");
    }
    if (plain(ThreadFields.decidedBy) !== this.writer.id || !isFiniteNumber(plain(ThreadFields.decidedAt))) {
      refuse("a decision names its writer and time");
    }
    const change = changes.get(ThreadFields.change);
    if (change !== undefined && status !== "accepted") refuse("only an acceptance records a change");
    if (status === "accepted" && isString(author)) {
      const threadId = map.get(ThreadFields.id);
      this.accepted.push({
        threadId: isString(threadId) ? threadId : "",
        suggester: author,
        thread: map,
        ...(change?.kind === "binary" ? { change: change.value } : {}),
      });
    }
  }

  private checkNewComment(fields: Map<string, Value>): void {
    for (const field of [
      CommentFields.id,
      CommentFields.author,
      CommentFields.createdAt,
      CommentFields.body,
      CommentFields.reactions,
    ]) {
      if (!fields.has(field)) refuse(`a new comment needs ${field}`);
    }
  }

  private checkDeletions(ds: DeleteSet): void {
    for (const [client, ranges] of ds.clients) {
      for (const { clock, len } of ranges) {
        const end = clock + len;
        const known = Math.max(Y.getState(this.store, client), this.addedEnd(client));
        if (end > known) refuse("the update deletes content the server does not have");
        for (const node of this.nodesIn(client, clock, end)) this.checkDeletion(node);
      }
    }
  }

  private addedEnd(client: number): number {
    const items = this.added.get(client);
    const last = items?.[items.length - 1];
    return last ? last.id.clock + last.length : 0;
  }

  private *nodesIn(client: number, clock: number, end: number): Generator<Node> {
    const structs = this.store.clients.get(client) ?? [];
    if (structs.length > 0 && clock < Y.getState(this.store, client)) {
      for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
        const struct = structs[index] as Y.Item | Y.GC;
        if (struct.id.clock >= end) break;
        if (struct instanceof Y.Item && !struct.deleted) yield { item: struct, isNew: false };
      }
    }
    for (const item of this.added.get(client) ?? []) {
      if (item.id.clock < end && item.id.clock + item.length > clock) yield { item, isNew: true };
    }
  }

  private checkDeletion(node: Node): void {
    const location = this.locate(node);
    switch (location.kind) {
      case "thread":
        if (!node.isNew) refuse("threads are never removed");
        return;
      case "thread-field":
        // A revision or a decision replaces the old value; removing one without a checked replacement is refused.
        if (
          !location.thread.isNew &&
          !MUTABLE_THREAD_FIELDS.has(location.field) &&
          !this.suggestionChanges.get(location.thread.item)?.has(location.field)
        ) {
          refuse(`a thread's ${location.field} never changes`);
        }
        return;
      case "comment":
        if (!node.isNew) refuse("comments are never removed; their author marks them deleted");
        return;
      case "comment-field":
        if (location.comment.isNew) return;
        if (!AUTHOR_EDITABLE_COMMENT_FIELDS.has(location.field)) refuse(`a comment's ${location.field} never changes`);
        if (this.authorOf(location.comment) !== this.writer.id) refuse("only a comment's author may edit it");
        return;
      case "reaction":
        if (location.userId !== this.writer.id) refuse("a user may only change their own reactions");
        return;
      case "person":
        if (location.userId !== this.writer.id) refuse("a user may only record themselves in people");
        return;
      case "unknown":
        refuse("the update deletes outside the comments layout");
    }
  }
}
