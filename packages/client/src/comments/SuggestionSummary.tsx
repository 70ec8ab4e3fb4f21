import { type ReactNode, useState } from "react";
import { Avatar } from "../presence/Avatar.js";
import type { TandemDocument } from "../provider/document.js";
import { timeAgo } from "./format.js";
import type { Suggestion, Thread } from "./store.js";
import { describeProposal } from "./suggestion-decorations.js";

const statusLabel = {
  pending: "Suggested",
  accepted: "Accepted",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
} as const;

interface SuggestionSummaryProps {
  readonly thread: Thread;
  readonly suggestion: Suggestion;
  readonly document: TandemDocument;
  /** Why its text is not in the document, when it is not. */
  readonly detached: string | null;
  readonly canComment: boolean;
  readonly canDecide: boolean;
}

/**
 * The head of a suggestion's card: who proposed what and when, where it
 * stands, and the decisions the local user may take (accept or reject as an
 * editor or owner, withdraw as its author). A decision that cannot be made
 * (its text changed or is gone) is explained in `suggestion-error`.
 */
export function SuggestionSummary(props: SuggestionSummaryProps): ReactNode {
  const { thread, suggestion, document, detached, canComment, canDecide } = props;
  const [error, setError] = useState<string | null>(null);
  const store = document.commentsStore;
  const pending = suggestion.status === "pending";
  const act = (action: () => void) => {
    try {
      action();
      setError(null);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  // Accept and reject for those who may decide, withdraw for its author.
  const actions = [
    ...(canDecide
      ? [
          { id: "accept", label: "Accept", run: () => store.acceptSuggestion(thread.id), disabled: detached !== null },
          { id: "reject", label: "Reject", run: () => store.rejectSuggestion(thread.id), quiet: true },
        ]
      : []),
    ...(thread.createdBy.id === document.user.id
      ? [{ id: "withdraw", label: "Withdraw", run: () => store.withdrawSuggestion(thread.id), quiet: true }]
      : []),
  ];
  return (
    <div className="tandem-suggestion-summary" data-testid="suggestion-summary" data-status={suggestion.status}>
      <div className="tandem-comment__header">
        <Avatar user={thread.createdBy} small />
        <span className="tandem-comment__author">{thread.createdBy.name}</span>
        <time className="tandem-comment__time" dateTime={new Date(thread.createdAt).toISOString()}>
          {timeAgo(thread.createdAt)}
        </time>
        <span className="tandem-suggestion-summary__status" data-testid="suggestion-status">
          {statusLabel[suggestion.status]}
          {suggestion.decidedBy && !pending ? ` by ${suggestion.decidedBy.name}` : ""}
        </span>
      </div>
      <button
        type="button"
        className="tandem-thread__quote tandem-suggestion-summary__text"
        title={detached ?? "Show in the text"}
        data-testid="suggestion-text"
        style={{ borderLeftColor: thread.createdBy.color }}
        onClick={() => document.selectThread(thread.id, { reveal: true })}
      >
        {detached && pending ? <span className="tandem-thread__detached">{detached}</span> : null}
        {describeProposal(suggestion.proposal, thread.quote)}
      </button>
      {pending && canComment ? (
        <div className="tandem-suggestion-summary__actions">
          {actions.map(({ id, label, run, quiet, disabled }) => (
            <button
              key={id}
              type="button"
              className={quiet ? "tandem-button is-quiet" : "tandem-button"}
              data-testid={`suggestion-${id}`}
              disabled={disabled}
              onClick={() => act(run)}
            >
              {label}
            </button>
          ))}
        </div>
      ) : null}
      {error ? (
        <p className="tandem-suggestion-summary__error" role="alert" data-testid="suggestion-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
