import {
  CommentFields,
  commentsOf,
  type PersonData,
  type Proposal,
  peopleOf,
  readComment,
  readSuggestion,
  type SuggestionStatus,
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

/** A change the person proposed (a suggestion thread they started), with where it stands. */
export interface OwnSuggestion {
  readonly thread: string;
  readonly quote: string;
  readonly proposal: Proposal;
  readonly status: SuggestionStatus;
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
  readonly suggestions: readonly OwnSuggestion[];
  readonly reactions: readonly OwnReaction[];
  readonly mentions: readonly MentionOf[];
}

const iso = (time: number) => new Date(time).toISOString();

/** Every thread map of the document with its id and quote. */
function* threadMaps(doc: Y.Doc): Generator<{ thread: string; quote: string; map: Y.Map<unknown> }> {
  for (const [thread, map] of threadsOf(doc).entries()) {
    if (!(map instanceof Y.Map)) continue;
    const quote = map.get(ThreadFields.quote);
    yield { thread, quote: typeof quote === "string" ? quote : "", map };
  }
}

/** The suggestion threads `person` started. */
function* suggestionsBy(doc: Y.Doc, person: string): Generator<{ thread: string; quote: string; map: Y.Map<unknown> }> {
  for (const found of threadMaps(doc)) {
    if (found.map.get(ThreadFields.createdBy) === person && found.map.has(ThreadFields.suggestion)) yield found;
  }
}

/** Every comment map of the document with its thread's id and quote. */
function* commentMaps(doc: Y.Doc): Generator<{ thread: string; quote: string; map: Y.Map<unknown> }> {
  for (const { thread, quote, map: threadMap } of threadMaps(doc)) {
    for (const map of commentsOf(threadMap)?.toArray() ?? []) {
      if (map instanceof Y.Map) yield { thread, quote, map };
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
  const suggestions = [...suggestionsBy(doc, person)].flatMap(({ thread, quote, map }) => {
    const suggestion = readSuggestion(map);
    return suggestion ? [{ thread, quote, proposal: suggestion.proposal, status: suggestion.status }] : [];
  });
  return { profile: peopleOf(doc).get(person) ?? null, comments, suggestions, reactions, mentions };
}

/** Whether {@link commentsAbout} finds anything. */
export function holdsAnything(about: CommentsAbout): boolean {
  const found = [about.comments, about.suggestions, about.reactions, about.mentions];
  return about.profile !== null || found.some((list) => list.length > 0);
}

/**
 * Erases `person` from the comments document `doc` (in a transaction of the
 * caller's): each of their comments becomes the placeholder a deleted comment
 * is (`deleted`, empty body and mentions, as its author deleting it would
 * leave it, so replies keep their place), their reactions go, other comments'
 * mentions of them go (their words stay: they are the others'), and so does
 * their entry in `people` (name and colour). The changes they proposed go
 * too: a suggestion thread they started loses its proposal and becomes a
 * plain thread on its quote (a pending one no longer shows in the text).
 * Returns how many of their comments it emptied.
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
  for (const { map } of [...suggestionsBy(doc, person)]) map.delete(ThreadFields.suggestion);
  const people = peopleOf(doc);
  if (people.has(person)) people.delete(person);
  return erased;
}
