import {
  type CommentData,
  defaultUserColor,
  type PresentUser,
  peopleOf,
  readThread,
  threadsOf,
} from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import type * as Y from "yjs";

/** One comment as the REST API lists it. */
export interface CommentView {
  readonly id: string;
  readonly author: PresentUser;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly editedAt: string | null;
  /** Empty for a deleted comment (its place in the thread is kept). */
  readonly body: string;
  readonly deleted: boolean;
  readonly mentions: readonly string[];
  /** Emoji to the ids of who reacted with it. */
  readonly reactions: Readonly<Record<string, readonly string[]>>;
}

/** One thread as the REST API lists it. */
export interface ThreadView {
  readonly id: string;
  readonly state: "open" | "resolved";
  /** The text it was started on. */
  readonly quote: string;
  readonly createdBy: PresentUser;
  readonly createdAt: string;
  readonly resolvedBy: PresentUser | null;
  readonly resolvedAt: string | null;
  readonly comments: readonly CommentView[];
}

const iso = (time: number) => new Date(time).toISOString();

/**
 * The threads of a comments document, oldest first, with their state and
 * people named from its `people` map (who wrote last under each id); a
 * thread or comment that is not well-formed is left out.
 */
export function threadViews(comments: Y.Doc): ThreadView[] {
  const people = peopleOf(comments);
  const person = (id: string): PresentUser => {
    const known = people.get(id);
    return { id, name: known?.name ?? id, color: known?.color ?? defaultUserColor(id) };
  };
  const commentView = (comment: CommentData): CommentView => ({
    id: comment.id,
    author: person(comment.author),
    createdAt: iso(comment.createdAt),
    editedAt: comment.editedAt === null ? null : iso(comment.editedAt),
    body: comment.deleted ? "" : comment.body,
    deleted: comment.deleted,
    mentions: comment.mentions,
    reactions: Object.fromEntries(comment.reactions),
  });
  return [...threadsOf(comments).values()]
    .flatMap((map) => {
      const thread = readThread(map);
      return thread ? [thread] : [];
    })
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((thread) => ({
      id: thread.id,
      state: thread.resolved ? "resolved" : "open",
      quote: thread.quote,
      createdBy: person(thread.createdBy),
      createdAt: iso(thread.createdAt),
      resolvedBy: thread.resolvedBy === null ? null : person(thread.resolvedBy),
      resolvedAt: thread.resolvedAt === null ? null : iso(thread.resolvedAt),
      comments: thread.comments.map(commentView),
    }));
}

const text = (value: string): JSONContent => ({ type: "text", text: value });
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });

/**
 * Threads as document content (a "Comments" section: each thread's quote,
 * state and comments), for exports in Markdown and HTML, which then write
 * it with the same TipTap serializers as the body.
 */
export function threadsAsContent(threads: readonly ThreadView[]): JSONContent[] {
  if (threads.length === 0) return [];
  return [
    { type: "heading", attrs: { level: 2 }, content: [text("Comments")] },
    ...threads.flatMap((thread): JSONContent[] => [
      { type: "blockquote", content: [paragraph(text(thread.quote || "(no quote)"))] },
      {
        type: "bulletList",
        content: thread.comments.map((comment) => ({
          type: "listItem",
          content: [
            paragraph(
              { type: "text", text: comment.author.name, marks: [{ type: "bold" }] },
              text(`: ${comment.deleted ? "(deleted comment)" : comment.body}`),
            ),
          ],
        })),
      },
      paragraph({ type: "text", text: thread.state === "resolved" ? "Resolved" : "Open", marks: [{ type: "italic" }] }),
    ]),
  ];
}
