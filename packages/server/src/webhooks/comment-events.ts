import { type CommentData, CommentFields, peopleOf, readComment, ThreadFields, threadsOf } from "@tandem/protocol";
import type { WebhookComment, WebhookEventData } from "@tandem/protocol/webhooks";
import * as Y from "yjs";

/** An event found in a comments document, to be queued once the update carrying it is committed. */
export type CommentEvent = {
  [T in "comment.created" | "comment.resolved" | "mention.created"]: { type: T; data: WebhookEventData[T] };
}["comment.created" | "comment.resolved" | "mention.created"];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const stringOf = (value: unknown): string => (typeof value === "string" ? value : "");

/** The key a type has in its parent map (`comments` for a thread's comments), if any. */
function keyInParent(type: { readonly _item: Y.Item | null }): string | null {
  return type._item?.parentSub ?? null;
}

/**
 * What one transaction on a comments document means for webhooks, from the
 * events of `threadsOf(doc).observeDeep` (see the layout in
 * `@tandem/protocol`'s comments model):
 *
 * - a thread added to `threads`: `comment.created` for its comments (the first
 *   with `newThread`), which a new thread holds from its first transaction;
 * - a comment pushed onto a thread's `comments`: `comment.created`;
 * - a thread's `resolved` turning true: `comment.resolved`;
 * - `mention.created` for each person a new comment mentions, and for each
 *   one an edit adds to a comment's `mentions`.
 *
 * Malformed threads and comments are skipped, as every reader of the model does.
 */
export function commentEvents(
  doc: Y.Doc,
  document: string,
  events: readonly Y.YEvent<Y.AbstractType<unknown>>[],
): CommentEvent[] {
  const found: CommentEvent[] = [];
  const threads = threadsOf(doc);
  const nameOf = (userId: string) => peopleOf(doc).get(userId)?.name ?? null;
  const toWebhook = (comment: CommentData): WebhookComment => ({
    id: comment.id,
    author: comment.author,
    authorName: nameOf(comment.author),
    body: comment.body,
    mentions: comment.mentions,
    createdAt: new Date(comment.createdAt).toISOString(),
  });
  const mentioned = (threadId: string, comment: CommentData, people: readonly string[]) => {
    for (const person of new Set(people)) {
      found.push({
        type: "mention.created",
        data: { document, threadId, mentioned: person, mentionedName: nameOf(person), comment: toWebhook(comment) },
      });
    }
  };
  const created = (thread: Y.Map<unknown>, map: unknown, newThread: boolean) => {
    const comment = map instanceof Y.Map ? readComment(map as Y.Map<unknown>) : undefined;
    if (comment === undefined || comment.deleted) return;
    const threadId = stringOf(thread.get(ThreadFields.id));
    found.push({
      type: "comment.created",
      data: {
        document,
        threadId,
        newThread,
        suggestion: thread.has(ThreadFields.suggestion),
        quote: stringOf(thread.get(ThreadFields.quote)),
        comment: toWebhook(comment),
      },
    });
    mentioned(threadId, comment, comment.mentions);
  };

  for (const event of events) {
    const target = event.target as Y.AbstractType<unknown>;
    if (target === threads) {
      for (const [threadId, change] of event.changes.keys) {
        const thread = threads.get(threadId);
        if (change.action !== "add" || !(thread instanceof Y.Map)) continue;
        const comments = thread.get(ThreadFields.comments);
        if (!(comments instanceof Y.Array)) continue;
        for (const [index, comment] of comments.toArray().entries()) created(thread, comment, index === 0);
      }
    } else if (target instanceof Y.Array && keyInParent(target) === ThreadFields.comments) {
      const thread = target.parent;
      if (!(thread instanceof Y.Map)) continue;
      for (const item of event.changes.added) {
        if (item.deleted || !(item.content instanceof Y.ContentType)) continue;
        created(thread as Y.Map<unknown>, item.content.type, false);
      }
    } else if (target instanceof Y.Map && target.parent === threads) {
      const resolved = event.changes.keys.get(ThreadFields.resolved);
      if (resolved === undefined || target.get(ThreadFields.resolved) !== true || resolved.oldValue === true) continue;
      const resolvedBy = target.get(ThreadFields.resolvedBy);
      const resolvedAt = target.get(ThreadFields.resolvedAt);
      found.push({
        type: "comment.resolved",
        data: {
          document,
          threadId: stringOf(target.get(ThreadFields.id)),
          resolvedBy: typeof resolvedBy === "string" ? resolvedBy : null,
          resolvedAt: iso(typeof resolvedAt === "number" && Number.isFinite(resolvedAt) ? resolvedAt : null),
        },
      });
    } else if (
      target instanceof Y.Map &&
      target.parent instanceof Y.Array &&
      keyInParent(target.parent) === ThreadFields.comments
    ) {
      const mentions = event.changes.keys.get(CommentFields.mentions);
      const comment = mentions && readComment(target as Y.Map<unknown>);
      const thread = target.parent.parent;
      if (mentions === undefined || comment === undefined || comment.deleted || !(thread instanceof Y.Map)) continue;
      const before = Array.isArray(mentions.oldValue) ? (mentions.oldValue as unknown[]) : [];
      mentioned(
        stringOf(thread.get(ThreadFields.id)),
        comment,
        comment.mentions.filter((person) => !before.includes(person)),
      );
    }
  }
  return found;
}
