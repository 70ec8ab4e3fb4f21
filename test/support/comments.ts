import {
  addThread,
  CommentFields,
  commentsOf,
  createCommentMap,
  peopleOf,
  ThreadFields,
  threadsOf,
} from "@tandem/protocol";
import * as Y from "yjs";

/** Someone writing comments, as their token names them. */
export interface Commenter {
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

// An anchor into a content document; the server's check only needs it to decode.
const anchorText = new Y.Doc().getText("t");
const anchor = {
  start: Y.createRelativePositionFromTypeIndex(anchorText, 0),
  end: Y.createRelativePositionFromTypeIndex(anchorText, 0, -1),
};

function threadMap(doc: Y.Doc, threadId: string): Y.Map<unknown> {
  const thread = threadsOf(doc).get(threadId);
  if (!thread) throw new Error(`no thread ${threadId}`);
  return thread;
}

/** Comment number `index` of a thread, as stored in `doc`. */
export function commentMap(doc: Y.Doc, threadId: string, index: number): Y.Map<unknown> {
  const comment = commentsOf(threadMap(doc, threadId))?.get(index);
  if (!comment) throw new Error(`no comment ${index} in thread ${threadId}`);
  return comment;
}

/**
 * Starts a thread with its first comment in one transaction, and records the
 * author in `people`, as the client kit does (protocol model, comments layout).
 */
export function startThread(doc: Y.Doc, author: Commenter, threadId: string, body: string): void {
  doc.transact(() => {
    const createdAt = Date.now();
    addThread(
      doc,
      {
        id: threadId,
        createdBy: author.id,
        createdAt,
        anchor,
        quote: "quoted text",
        contextBefore: "",
        contextAfter: "",
      },
      { id: `${threadId}-1`, author: author.id, createdAt, body, mentions: [] },
    );
    peopleOf(doc).set(author.id, { name: author.name, color: author.color });
  });
}

/** Adds a reply to a thread, mentioning the user ids in `mentions`, as the client kit does. */
export function replyTo(
  doc: Y.Doc,
  author: Commenter,
  threadId: string,
  commentId: string,
  body: string,
  mentions: string[] = [],
): void {
  doc.transact(() => {
    commentsOf(threadMap(doc, threadId))?.push([
      createCommentMap({ id: commentId, author: author.id, createdAt: Date.now(), body, mentions }),
    ]);
    peopleOf(doc).set(author.id, { name: author.name, color: author.color });
  });
}

/** Sets `user`'s reactions on comment `index` of a thread. */
export function react(doc: Y.Doc, user: Commenter, threadId: string, index: number, emojis: string[]): void {
  const reactions = commentMap(doc, threadId, index).get(CommentFields.reactions) as Y.Map<string[]>;
  reactions.set(user.id, emojis);
}

/** Resolves a thread as `user`. */
export function resolve(doc: Y.Doc, user: Commenter, threadId: string): void {
  const thread = threadMap(doc, threadId);
  doc.transact(() => {
    thread.set(ThreadFields.resolved, true);
    thread.set(ThreadFields.resolvedBy, user.id);
    thread.set(ThreadFields.resolvedAt, Date.now());
  });
}
