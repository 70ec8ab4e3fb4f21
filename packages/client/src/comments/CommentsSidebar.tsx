import { type ReactNode, useEffect, useMemo, useState } from "react";
import type { TandemUser } from "../identity.js";
import { usePresenceOf } from "../presence/usePresence.js";
import { useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import { CommentComposer } from "./CommentComposer.js";
import { DEFAULT_REACTIONS, ThreadCard } from "./ThreadCard.js";
import { selectThreads, type ThreadFilter, type ThreadSort, useCommentsOf } from "./useThreads.js";

/** Props of {@link CommentsSidebar}. */
export interface CommentsSidebarProps {
  readonly document: string;
  /** The emoji offered as reactions. */
  readonly reactions?: readonly string[];
  readonly className?: string;
}

/**
 * The comment threads of a document beside its editor: open or resolved,
 * in document order or by latest activity. Clicking a thread's quote scrolls
 * the editor to its text; clicking a highlight in the editor selects the
 * thread here. A selection commented from the editor's toolbar opens a new
 * thread at the top. Threads whose text was deleted stay, marked detached,
 * with their quote. Suggestions are threads too: each card says what is
 * proposed, with accept and reject for editors and owners (and, per person,
 * accept all and reject all), withdraw for its author, and the discussion.
 *
 * For tests: `data-testid="comments-sidebar"`, each thread
 * `data-testid="comment-thread"` with `data-thread-id`, `data-anchor` and
 * `data-resolved`; fields `new-comment-input`, `reply-input`; buttons
 * `comment-submit`, `resolve-thread`, `reopen-thread`, `thread-filter-open`,
 * `thread-filter-resolved`; the order `thread-sort`; suggestions:
 * `suggestion-summary` (`data-status`), `suggestion-accept`,
 * `suggestion-reject`, `suggestion-withdraw`, and per person
 * `suggestions-by` (`data-author-id`) with `accept-all` and `reject-all`.
 *
 * @example
 * ```tsx
 * <div className="layout">
 *   <CollaborativeEditor document="spec/42" />
 *   <CommentsSidebar document="spec/42" />
 * </div>
 * ```
 */
export function CommentsSidebar({
  document: name,
  reactions = DEFAULT_REACTIONS,
  className,
}: CommentsSidebarProps): ReactNode {
  const document = useTandemDocument(name);
  const snapshot = useCommentsOf(document);
  const presence = usePresenceOf(document);
  const ui = useObservable(document?.ui);
  const state = useObservable(document?.state);
  const [filter, setFilter] = useState<Exclude<ThreadFilter, "all">>("open");
  const [sort, setSort] = useState<ThreadSort>("position");
  const threads = useMemo(() => selectThreads(snapshot?.threads ?? [], filter, sort), [snapshot, filter, sort]);
  const counts = useMemo(() => {
    const all = snapshot?.threads ?? [];
    const resolved = all.filter((thread) => thread.resolved).length;
    return { open: all.length - resolved, resolved };
  }, [snapshot]);
  // Anyone who has taken part, and anyone here now, can be mentioned; not oneself.
  const people = useMemo(() => {
    const byId = new Map<string, TandemUser>();
    for (const person of snapshot?.people ?? []) byId.set(person.id, person);
    for (const peer of presence?.peers ?? []) byId.set(peer.user.id, peer.user);
    if (document) byId.delete(document.user.id);
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [snapshot, presence, document]);
  const canComment = state?.commentsAccess === "read-write";
  const canDecide = canComment && state?.contentAccess === "read-write";
  // Whose suggestions wait for a decision, and how many, in order of first appearance in the text.
  const pendingBy = useMemo(() => {
    const byAuthor = new Map<string, { user: TandemUser; count: number }>();
    for (const thread of snapshot?.threads ?? []) {
      if (thread.suggestion?.status !== "pending") continue;
      const entry = byAuthor.get(thread.createdBy.id) ?? { user: thread.createdBy, count: 0 };
      byAuthor.set(thread.createdBy.id, { ...entry, count: entry.count + 1 });
    }
    return [...byAuthor.values()];
  }, [snapshot]);
  const draft = ui?.draft ?? null;
  // A thread selected from the editor is shown even when the other tab is open.
  const activeResolved = ui?.activeThreadId ? snapshot?.byId.get(ui.activeThreadId)?.resolved : undefined;
  useEffect(() => {
    if (activeResolved !== undefined) setFilter(activeResolved ? "resolved" : "open");
  }, [activeResolved]);

  return (
    <aside
      className={["tandem-sidebar", className].filter(Boolean).join(" ")}
      aria-label="Comments"
      data-testid="comments-sidebar"
    >
      <header className="tandem-sidebar__header">
        <div className="tandem-sidebar__filters">
          {(["open", "resolved"] as const).map((value) => (
            <button
              key={value}
              type="button"
              className={filter === value ? "tandem-tab is-active" : "tandem-tab"}
              aria-pressed={filter === value}
              data-testid={`thread-filter-${value}`}
              onClick={() => setFilter(value)}
            >
              {value === "open" ? "Open" : "Resolved"} <span className="tandem-tab__count">{counts[value]}</span>
            </button>
          ))}
        </div>
        <label className="tandem-sidebar__sort">
          <span className="tandem-visually-hidden">Order</span>
          <select
            value={sort}
            data-testid="thread-sort"
            onChange={(event) => setSort(event.target.value as ThreadSort)}
          >
            <option value="position">In document order</option>
            <option value="activity">Latest activity</option>
          </select>
        </label>
      </header>
      {document && canDecide && pendingBy.length > 0 ? (
        <section className="tandem-sidebar__suggestions" aria-label="Suggestions by person">
          {pendingBy.map(({ user, count }) => (
            <div
              key={user.id}
              className="tandem-sidebar__suggester"
              data-testid="suggestions-by"
              data-author-id={user.id}
            >
              <span>
                {user.name}: {count} {count === 1 ? "suggestion" : "suggestions"}
              </span>
              {(["accept", "reject"] as const).map((decision) => (
                <button
                  key={decision}
                  type="button"
                  className={decision === "accept" ? "tandem-button" : "tandem-button is-quiet"}
                  data-testid={`${decision}-all`}
                  onClick={() => document.commentsStore.decideAllBy(user.id, decision)}
                >
                  {decision === "accept" ? "Accept all" : "Reject all"}
                </button>
              ))}
            </div>
          ))}
        </section>
      ) : null}
      {document && draft && canComment ? (
        <section className="tandem-thread is-draft" aria-label="New comment" data-testid="comment-draft">
          <div className="tandem-thread__quote">
            <q>{draft.quote}</q>
          </div>
          <CommentComposer
            people={people}
            placeholder="Add a comment…"
            submitLabel="Comment"
            testId="new-comment-input"
            autoFocus
            onSubmit={(body) => {
              const threadId = document.commentsStore.createThread({ range: draft.positions, body });
              document.setDraft(null);
              setFilter("open");
              document.selectThread(threadId);
            }}
            onCancel={() => document.setDraft(null)}
          />
        </section>
      ) : null}
      {threads.length === 0 && !draft ? (
        <p className="tandem-sidebar__empty">
          {filter === "open"
            ? canComment
              ? "No open comments. Select text and press Comment to start one."
              : "No open comments."
            : "No resolved comments."}
        </p>
      ) : null}
      {document ? (
        <div className="tandem-sidebar__threads">
          {threads.map((thread) => (
            <ThreadCard
              key={thread.id}
              thread={thread}
              document={document}
              active={ui?.activeThreadId === thread.id}
              canComment={canComment}
              canDecide={canDecide}
              people={people}
              reactions={reactions}
            />
          ))}
        </div>
      ) : null}
    </aside>
  );
}
