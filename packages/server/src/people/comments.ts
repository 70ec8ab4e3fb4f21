import {
  CommentFields,
  commentsOf,
  type PersonData,
  peopleOf,
  readComment,
  ThreadFields,
  threadsOf,
} from "@tandem/protocol";
import * as Y from "yjs";

/** One of the person's own comments. */
export interface OwnComment {
  readonly thread: string;
  readonly id: string;
  /** The text it was left on. */
  readonly quote: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly editedAt: string | null;
  readonly body: string;
  readonly mentions: readonly string[];
  readonly deleted: boolean;
}

/** The person's reactions to one comment (theirs or someone else's). */
export interface OwnReaction {
  readonly thread: string;
  readonly comment: string;
  readonly emojis: readonly string[];
}

/** Someone else's comment that mentions the person. */
export interface MentionOf {
  readonly thread: string;
  readonly comment: string;
  /** The user id of whoever wrote it. */
  readonly author: string;
  readonly createdAt: string;
  readonly body: string;
}

/** What one comments document holds about one person. */
export interface CommentsAbout {
  /** Their entry in `people`: the name and colour the comments show for them. */
  readonly profile: PersonData | null;
  readonly comments: readonly OwnComment[];
  readonly reactions: readonly OwnReaction[];
  readonly mentions: readonly MentionOf[];
}

const iso = (time: number) => new Date(time).toISOString();

/** Every comment map of the document with its thread's id and quote. */
function* commentMaps(doc: Y.Doc): Generator<{ thread: string; quote: string; map: Y.Map<unknown> }> {
  for (const [threadId, thread] of threadsOf(doc).entries()) {
    if (!(thread instanceof Y.Map)) continue;
    const quote = thread.get(ThreadFields.quote);
    for (const map of commentsOf(thread)?.toArray() ?? []) {
      if (map instanceof Y.Map) yield { thread: threadId, quote: typeof quote === "string" ? quote : "", map };
    }
  }
}

/** What the comments document `doc` holds about the user `person`. */
export function commentsAbout(doc: Y.Doc, person: string): CommentsAbout {
  const comments: OwnComment[] = [];
  const reactions: OwnReaction[] = [];
  const mentions: MentionOf[] = [];
  for (const { thread, quote, map } of commentMaps(doc)) {
    const comment = readComment(map);
    if (comment === undefined) continue;
    if (comment.author === person) {
      comments.push({
        thread,
        id: comment.id,
        quote,
        createdAt: iso(comment.createdAt),
        editedAt: comment.editedAt === null ? null : iso(comment.editedAt),
        body: comment.body,
        mentions: comment.mentions,
        deleted: comment.deleted,
      });
    } else if (comment.mentions.includes(person)) {
      mentions.push({
        thread,
        comment: comment.id,
        author: comment.author,
        createdAt: iso(comment.createdAt),
        body: comment.body,
      });
    }
    const emojis = [...comment.reactions].flatMap(([emoji, users]) => (users.includes(person) ? [emoji] : []));
    if (emojis.length > 0) reactions.push({ thread, comment: comment.id, emojis });
  }
  return { profile: peopleOf(doc).get(person) ?? null, comments, reactions, mentions };
}

/** Whether {@link commentsAbout} finds anything. */
export function holdsAnything(about: CommentsAbout): boolean {
  return about.profile !== null || about.comments.length + about.reactions.length + about.mentions.length > 0;
}

/**
 * Erases `person` from the comments document `doc` (in a transaction of the
 * caller's): each of their comments becomes the placeholder a deleted comment
 * is (`deleted`, empty body and mentions, as its author deleting it would
 * leave it, so replies keep their place), their reactions go, other comments'
 * mentions of them go (their words stay: they are the others'), and so does
 * their entry in `people` (name and colour). Returns how many of their
 * comments it emptied.
 */
export function eraseFromComments(doc: Y.Doc, person: string): number {
  let erased = 0;
  for (const { map } of commentMaps(doc)) {
    const author = map.get(CommentFields.author);
    if (author === person) {
      const mentions = map.get(CommentFields.mentions);
      const empty =
        map.get(CommentFields.deleted) === true &&
        map.get(CommentFields.body) === "" &&
        Array.isArray(mentions) &&
        mentions.length === 0;
      // Unchanged fields are not set again: a second erasure writes nothing.
      if (!empty) {
        erased++;
        map.set(CommentFields.body, "");
        map.set(CommentFields.mentions, []);
        map.set(CommentFields.deleted, true);
      }
    } else {
      const mentions = map.get(CommentFields.mentions);
      if (Array.isArray(mentions) && mentions.includes(person)) {
        map.set(
          CommentFields.mentions,
          mentions.filter((id) => id !== person),
        );
      }
    }
    const reactions = map.get(CommentFields.reactions);
    if (reactions instanceof Y.Map && reactions.has(person)) reactions.delete(person);
  }
  const people = peopleOf(doc);
  if (people.has(person)) people.delete(person);
  return erased;
}
