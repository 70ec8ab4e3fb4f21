import { type ReactNode, useEffect, useRef, useState } from "react";
import type { TandemUser } from "../identity.js";
import { Avatar } from "../presence/Avatar.js";
import type { TandemDocument } from "../provider/document.js";
import { CommentComposer } from "./CommentComposer.js";
import { timeAgo } from "./format.js";
import { splitMentions } from "./mentions.js";
import { SuggestionSummary } from "./SuggestionSummary.js";
import type { Comment, Thread } from "./store.js";

/** Reactions offered on every comment. */
export const DEFAULT_REACTIONS: readonly string[] = ["👍", "❤️", "🎉", "😄", "👀", "✅"];

interface ThreadCardProps {
  readonly thread: Thread;
  readonly document: TandemDocument;
  readonly active: boolean;
  readonly canComment: boolean;
  /** Whether the local user may accept or reject suggestions (owner, editor). */
  readonly canDecide: boolean;
  readonly people: readonly TandemUser[];
  readonly reactions: readonly string[];
}

const detachedLabel = {
  collapsed: "Its text was deleted",
  lost: "Its text was not found",
} as const;

function CommentBody({ comment }: { readonly comment: Comment }): ReactNode {
  if (comment.deleted) {
    return (
      <p className="tandem-comment__body is-deleted" data-testid="comment-deleted">
        This comment was deleted.
      </p>
    );
  }
  return (
    <p className="tandem-comment__body" data-testid="comment-body">
      {splitMentions(comment.body, comment.mentions).map((part, index) =>
        part.person ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
          <span key={index} className="tandem-mention" title={part.person.name}>
            {part.text}
          </span>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

function CommentView(props: {
  readonly comment: Comment;
  readonly document: TandemDocument;
  readonly canComment: boolean;
  readonly people: readonly TandemUser[];
  readonly reactions: readonly string[];
}): ReactNode {
  const { comment, document, canComment, people, reactions } = props;
  const [mode, setMode] = useState<"view" | "edit" | "confirm-delete" | "react">("view");
  const store = document.commentsStore;
  const names = (users: readonly TandemUser[]) => users.map((user) => user.name).join(", ");
  return (
    <li
      className="tandem-comment"
      data-testid="comment"
      data-comment-id={comment.id}
      data-author-id={comment.deleted ? undefined : comment.author.id}
    >
      <div className="tandem-comment__header">
        {/* A deleted comment is a placeholder: it keeps the thread's shape, not who wrote it (a person erased has no name left). */}
        {comment.deleted ? (
          <span className="tandem-comment__author is-deleted">Deleted comment</span>
        ) : (
          <>
            <Avatar user={comment.author} small />
            <span className="tandem-comment__author">{comment.author.name}</span>
          </>
        )}
        <time className="tandem-comment__time" dateTime={new Date(comment.createdAt).toISOString()}>
          {timeAgo(comment.createdAt)}
          {comment.editedAt !== null && !comment.deleted ? " (edited)" : ""}
        </time>
      </div>
      {mode === "edit" ? (
        <CommentComposer
          people={people}
          initialValue={comment.body}
          placeholder="Edit comment"
          submitLabel="Save"
          testId="edit-comment-input"
          autoFocus
          onSubmit={(body) => {
            store.editComment(comment.threadId, comment.id, body);
            setMode("view");
          }}
          onCancel={() => setMode("view")}
        />
      ) : (
        <CommentBody comment={comment} />
      )}
      {comment.deleted ? null : (
        <div className="tandem-comment__footer">
          {comment.reactions.map((reaction) => (
            <button
              key={reaction.emoji}
              type="button"
              className={reaction.mine ? "tandem-reaction is-mine" : "tandem-reaction"}
              aria-pressed={reaction.mine}
              aria-label={`${reaction.emoji} by ${names(reaction.users)}`}
              title={names(reaction.users)}
              disabled={!canComment}
              data-testid="reaction"
              onClick={() => store.toggleReaction(comment.threadId, comment.id, reaction.emoji)}
            >
              {reaction.emoji} {reaction.users.length}
            </button>
          ))}
          {canComment ? (
            <button
              type="button"
              className="tandem-reaction is-add"
              aria-label="Add reaction"
              aria-expanded={mode === "react"}
              data-testid="add-reaction"
              onClick={() => setMode(mode === "react" ? "view" : "react")}
            >
              ☺+
            </button>
          ) : null}
          {comment.mine && canComment && mode === "view" ? (
            <>
              <button
                type="button"
                className="tandem-link-button"
                data-testid="comment-edit"
                onClick={() => setMode("edit")}
              >
                Edit
              </button>
              <button
                type="button"
                className="tandem-link-button"
                data-testid="comment-delete"
                onClick={() => setMode("confirm-delete")}
              >
                Delete
              </button>
            </>
          ) : null}
        </div>
      )}
      {mode === "react" ? (
        <div className="tandem-reaction-picker">
          {reactions.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-label={`React with ${emoji}`}
              data-testid="reaction-option"
              onClick={() => {
                store.toggleReaction(comment.threadId, comment.id, emoji);
                setMode("view");
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      ) : null}
      {mode === "confirm-delete" ? (
        <div className="tandem-comment__confirm" role="alert">
          Delete this comment?
          <button
            type="button"
            className="tandem-button is-danger"
            data-testid="comment-delete-confirm"
            onClick={() => {
              store.deleteComment(comment.threadId, comment.id);
              setMode("view");
            }}
          >
            Delete
          </button>
          <button type="button" className="tandem-button is-quiet" onClick={() => setMode("view")}>
            Keep
          </button>
        </div>
      ) : null}
    </li>
  );
}

/**
 * One thread in the sidebar: its quote, comments, a reply field and resolve
 * or reopen; for a suggestion, what it proposes with accept, reject or
 * withdraw instead of resolve.
 */
export function ThreadCard(props: ThreadCardProps): ReactNode {
  const { thread, document, active, canComment, canDecide, people, reactions } = props;
  const element = useRef<HTMLElement>(null);
  const store = document.commentsStore;
  const detached = thread.anchor.state === "attached" ? null : detachedLabel[thread.anchor.state];
  useEffect(() => {
    if (active) element.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [active]);
  return (
    <article
      ref={element}
      className={["tandem-thread", active ? "is-active" : "", thread.resolved ? "is-resolved" : ""]
        .filter(Boolean)
        .join(" ")}
      aria-current={active ? "true" : undefined}
      aria-label={thread.suggestion ? "Suggestion" : `Comments on “${thread.quote}”`}
      data-testid="comment-thread"
      data-thread-id={thread.id}
      data-suggestion={thread.suggestion?.status}
      data-anchor={thread.anchor.state}
      data-resolved={String(thread.resolved)}
    >
      {thread.suggestion ? (
        <SuggestionSummary
          thread={thread}
          suggestion={thread.suggestion}
          document={document}
          detached={detached}
          canComment={canComment}
          canDecide={canDecide}
        />
      ) : (
        <button
          type="button"
          className="tandem-thread__quote"
          title={detached ?? "Show in the text"}
          data-testid="thread-quote"
          onClick={() => document.selectThread(thread.id, { reveal: true })}
        >
          {detached ? <span className="tandem-thread__detached">{detached}</span> : null}
          <q>{thread.quote}</q>
        </button>
      )}
      <ol className="tandem-thread__comments">
        {thread.comments.map((comment) => (
          <CommentView
            key={comment.id}
            comment={comment}
            document={document}
            canComment={canComment}
            people={people}
            reactions={reactions}
          />
        ))}
      </ol>
      {thread.resolved && thread.resolvedBy && !thread.suggestion ? (
        <p className="tandem-thread__resolved">Resolved by {thread.resolvedBy.name}</p>
      ) : null}
      {canComment ? (
        <div className="tandem-thread__actions">
          {thread.resolved ? null : (
            <CommentComposer
              people={people}
              placeholder="Reply…"
              submitLabel="Reply"
              testId="reply-input"
              onSubmit={(body) => {
                store.reply(thread.id, body);
                document.selectThread(thread.id);
              }}
            />
          )}
          {thread.suggestion ? null : (
            <button
              type="button"
              className="tandem-button is-quiet"
              data-testid={thread.resolved ? "reopen-thread" : "resolve-thread"}
              onClick={() => {
                if (thread.resolved) store.reopenThread(thread.id);
                else store.resolveThread(thread.id);
                // It moves to the other list; keep the sidebar on this one.
                if (active) document.selectThread(null);
              }}
            >
              {thread.resolved ? "Reopen" : "Resolve"}
            </button>
          )}
        </div>
      ) : null}
    </article>
  );
}
