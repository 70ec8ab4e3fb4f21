import type { DocumentDiff, HistoryAuthor, VersionList, VersionSummary } from "@tandem/protocol";
import { type CSSProperties, type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { Avatar } from "../presence/Avatar.js";
import { type AuthorsById, ContentView, TitleView } from "./ContentView.js";
import { byDay, describeChanges, versionTitle } from "./describe.js";
import {
  useAuthorship,
  useContentChanges,
  useDiff,
  useHistoryClient,
  useVersionContent,
  useVersions,
} from "./useHistory.js";

/** Props of {@link HistoryPanel}. */
export interface HistoryPanelProps {
  readonly document: string;
  readonly className?: string;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

function authorsOf(list: readonly HistoryAuthor[]): AuthorsById {
  return new Map(list.map((author) => [author.id, author]));
}

function VersionItem({
  version,
  selected,
  onSelect,
}: {
  readonly version: VersionSummary;
  readonly selected: boolean;
  readonly onSelect: () => void;
}): ReactNode {
  return (
    <li>
      <button
        type="button"
        className={selected ? "tandem-history__version is-selected" : "tandem-history__version"}
        aria-pressed={selected}
        data-testid="history-version"
        data-version-id={version.id}
        data-kind={version.kind}
        onClick={onSelect}
      >
        <span className="tandem-history__version-title">{versionTitle(version)}</span>
        <span className="tandem-history__version-meta">
          <time dateTime={version.createdAt}>{time(version.createdAt)}</time>
          {version.createdBy && version.kind !== "auto" ? ` · ${version.createdBy.name}` : ""}
        </span>
        <span className="tandem-history__version-authors">
          <span className="tandem-visually-hidden">
            {version.authors.length > 0 ? `by ${version.authors.map((author) => author.name).join(", ")}` : ""}
          </span>
          {version.authors.slice(0, 5).map((author) => (
            <span key={author.id} title={author.name} data-testid="history-version-author" data-author-id={author.id}>
              <Avatar user={author} small />
            </span>
          ))}
          {version.authors.length > 5 ? (
            <span className="tandem-history__more">+{version.authors.length - 5}</span>
          ) : null}
        </span>
      </button>
    </li>
  );
}

/**
 * Runs one change to the history and reports it: a message of what was done,
 * or of why it could not be (the server's reason, e.g. a role that may not).
 * Resolves whether it was done.
 */
type Act = (what: string, work: () => Promise<string>) => Promise<boolean>;

function NameVersion({ onName }: { readonly onName: (label: string) => Promise<boolean> }): ReactNode {
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (label.trim() === "" || busy) return;
    setBusy(true);
    if (await onName(label.trim())) setLabel("");
    setBusy(false);
  };
  return (
    <form className="tandem-history__name" onSubmit={(event) => void submit(event)}>
      <label className="tandem-visually-hidden" htmlFor="tandem-version-label">
        Name the current version
      </label>
      <input
        id="tandem-version-label"
        value={label}
        maxLength={200}
        placeholder="Name the current version…"
        data-testid="version-label-input"
        onChange={(event) => setLabel(event.target.value)}
      />
      <button type="submit" className="tandem-button" disabled={label.trim() === "" || busy} data-testid="version-save">
        Save
      </button>
    </form>
  );
}

/** An action that asks once more before it runs. */
function Confirmed({
  label,
  confirmLabel,
  question,
  testId,
  authorId,
  onConfirm,
}: {
  readonly label: string;
  readonly confirmLabel: string;
  readonly question: string;
  readonly testId: string;
  readonly authorId?: string;
  readonly onConfirm: () => Promise<unknown>;
}): ReactNode {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="tandem-button is-quiet"
        data-testid={testId}
        data-author-id={authorId}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="tandem-history__confirm">
      <span>{question}</span>
      <button
        type="button"
        className="tandem-button"
        disabled={busy}
        data-testid={`${testId}-confirm`}
        data-author-id={authorId}
        onClick={() => {
          setBusy(true);
          void onConfirm().finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="tandem-button is-quiet" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

function Legend({ authors, label }: { readonly authors: readonly HistoryAuthor[]; readonly label: string }): ReactNode {
  if (authors.length === 0) return null;
  return (
    <ul className="tandem-history__legend" data-testid="diff-legend" aria-label={label}>
      {authors.map((author) => (
        <li
          key={author.id}
          className="tandem-history__legend-item"
          data-testid="diff-legend-author"
          data-author-id={author.id}
          style={{ "--tandem-author-color": author.color } as CSSProperties}
        >
          <span className="tandem-history__swatch" aria-hidden="true" />
          {author.name}
        </li>
      ))}
    </ul>
  );
}

function Summary({
  diff,
  canRevert,
  onRevert,
}: {
  readonly diff: DocumentDiff;
  readonly canRevert: boolean;
  readonly onRevert: (author: HistoryAuthor) => Promise<unknown>;
}): ReactNode {
  const authors = authorsOf(diff.authors);
  if (diff.summary.length === 0) return <p className="tandem-history__note">No changes.</p>;
  return (
    <ul className="tandem-history__summary">
      {diff.summary.map((line) => {
        const author = line.author === null ? undefined : authors.get(line.author);
        return (
          <li
            key={line.author ?? ""}
            className="tandem-history__summary-line"
            data-testid="diff-summary"
            data-author-id={line.author ?? ""}
          >
            <span>
              <strong>{author?.name ?? "Someone"}</strong> {describeChanges(line)}
            </span>
            {canRevert && author ? (
              <Confirmed
                label={`Undo ${author.name}'s changes`}
                confirmLabel="Undo them"
                question={`Undo everything ${author.name} changed since this version?`}
                testId="revert-author"
                authorId={author.id}
                onConfirm={() => onRevert(author)}
              />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function DiffView({
  name,
  version,
  compareTo,
  canEdit,
  refreshKey,
  onRevert,
}: {
  readonly name: string;
  readonly version: VersionSummary;
  readonly compareTo: string;
  readonly canEdit: boolean;
  readonly refreshKey: number;
  readonly onRevert: (author: HistoryAuthor) => Promise<unknown>;
}): ReactNode {
  const diff = useDiff(name, version.id, compareTo, refreshKey);
  useContentChanges(name, compareTo === "current" ? diff.reload : noop);
  if (diff.state === "loading") return <p className="tandem-history__note">Comparing…</p>;
  if (diff.state === "failed") return <p className="tandem-history__note is-error">{diff.message}</p>;
  const authors = authorsOf(diff.value.authors);
  // Undoing one person's changes is offered against the current text: it changes what is there now.
  const canRevert = canEdit && compareTo === "current" && diff.value.from.id === version.id;
  return (
    <div className="tandem-history__diff" data-testid="history-diff">
      <Legend authors={diff.value.authors} label="Who made these changes" />
      <Summary diff={diff.value} canRevert={canRevert} onRevert={onRevert} />
      <TitleView runs={diff.value.title} authors={authors} />
      <ContentView content={diff.value.content} authors={authors} />
    </div>
  );
}

const noop = () => {};

/** The current document, each run of text in the colour of who wrote it. */
function AuthorshipView({ name, refreshKey }: { readonly name: string; readonly refreshKey: number }): ReactNode {
  const authorship = useAuthorship(name, refreshKey);
  useContentChanges(name, authorship.reload);
  if (authorship.state === "loading") return <p className="tandem-history__note">Opening…</p>;
  if (authorship.state === "failed") return <p className="tandem-history__note is-error">{authorship.message}</p>;
  const { value } = authorship;
  const authors = authorsOf(value.authors);
  return (
    <section className="tandem-history__viewer" aria-label="Who wrote what" data-testid="history-authorship-view">
      <Legend authors={value.authors} label="Who wrote this document" />
      {value.lastEditedBy ? <p className="tandem-history__note">Last edited by {value.lastEditedBy.name}.</p> : null}
      <TitleView runs={value.title} authors={authors} />
      <ContentView content={value.content} authors={authors} />
    </section>
  );
}

/** What the panel shows beside the list besides a version: who wrote what in the current text. */
const AUTHORSHIP = "authorship";

function ReadView({ name, version }: { readonly name: string; readonly version: VersionSummary }): ReactNode {
  const content = useVersionContent(name, version.id);
  if (content.state === "loading") return <p className="tandem-history__note">Opening…</p>;
  if (content.state === "failed") return <p className="tandem-history__note is-error">{content.message}</p>;
  return (
    <div data-testid="history-read">
      <h1 className="tandem-history__title" data-testid="history-title">
        {content.value.title}
      </h1>
      <ContentView content={content.value.content} authors={new Map()} />
    </div>
  );
}

function Viewer({
  name,
  list,
  version,
  refreshKey,
  act,
}: {
  readonly name: string;
  readonly list: VersionList;
  readonly version: VersionSummary;
  readonly refreshKey: number;
  readonly act: Act;
}): ReactNode {
  const client = useHistoryClient();
  const [mode, setMode] = useState<"diff" | "read">("diff");
  const [compareTo, setCompareTo] = useState("current");
  // A comparison with a version only makes sense with a later one.
  const later = useMemo(() => list.versions.filter((other) => BigInt(other.id) > BigInt(version.id)), [list, version]);
  useEffect(() => {
    if (compareTo !== "current" && !later.some((other) => other.id === compareTo)) setCompareTo("current");
  }, [compareTo, later]);
  const restore = () =>
    act("restore this version", async () => {
      const result = await client.restore(name, version.id);
      return result.unchanged ? "The document already is this version." : `Restored “${versionTitle(version)}”.`;
    });
  const revert = (author: HistoryAuthor) =>
    act(`undo ${author.name}'s changes`, async () => {
      const result = await client.revert(name, author.id, version.id);
      return result.unchanged ? `${author.name} changed nothing to undo.` : `Undid ${author.name}'s changes.`;
    });
  return (
    <section className="tandem-history__viewer" aria-label={versionTitle(version)}>
      <header className="tandem-history__viewer-header">
        <div className="tandem-sidebar__filters">
          {(
            [
              ["diff", "Changes"],
              ["read", "Read"],
            ] as const
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              className={mode === value ? "tandem-tab is-active" : "tandem-tab"}
              aria-pressed={mode === value}
              data-testid={`history-mode-${value}`}
              onClick={() => setMode(value)}
            >
              {label}
            </button>
          ))}
        </div>
        {mode === "diff" ? (
          <label className="tandem-sidebar__sort">
            <span>compared with </span>
            <select
              value={compareTo}
              data-testid="history-compare"
              onChange={(event) => setCompareTo(event.target.value)}
            >
              <option value="current">the current text</option>
              {later.map((other) => (
                <option key={other.id} value={other.id}>
                  {versionTitle(other)}, {new Date(other.createdAt).toLocaleString()}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {list.canEdit ? (
          <Confirmed
            label="Restore this version"
            confirmLabel="Restore"
            question="Make the document this version again? Comments on unchanged text stay."
            testId="version-restore"
            onConfirm={restore}
          />
        ) : null}
      </header>
      {mode === "diff" ? (
        <DiffView
          name={name}
          version={version}
          compareTo={compareTo}
          canEdit={list.canEdit}
          refreshKey={refreshKey}
          onRevert={revert}
        />
      ) : (
        <ReadView key={`${version.id} ${refreshKey}`} name={name} version={version} />
      )}
    </section>
  );
}

/**
 * A document's history: its versions newest first, grouped by day, each with
 * the avatars of who changed it; open one to read it, or to see what changed
 * since (compared with the current text or a later version), insertions and
 * deletions in the colour of who made them, with a summary per person.
 * Editors can name the current version, restore one, and undo one person's
 * changes since a version (see docs/history.md). Talks to the server of the
 * surrounding `<TandemProvider>` with its token.
 *
 * "Who wrote what" shows the current text with each run in the colour of
 * who wrote it, and who edited last.
 *
 * For tests: `data-testid="history-panel"`; `history-authorship` (its view
 * `history-authorship-view`); `history-version` (with
 * `data-version-id`, `data-kind`), `version-label-input`, `version-save`,
 * `history-mode-diff`, `history-mode-read`, `history-compare`,
 * `version-restore` (then `version-restore-confirm`), `diff-legend`,
 * `diff-legend-author`, `diff-summary`, `revert-author` (then
 * `revert-author-confirm`), `diff-change` (with `data-change` and
 * `data-author-id`), `history-status`.
 *
 * @example
 * ```tsx
 * <HistoryPanel document="spec/42" />
 * ```
 */
export function HistoryPanel({ document: name, className }: HistoryPanelProps): ReactNode {
  const client = useHistoryClient();
  const versions = useVersions(name);
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState<{ readonly text: string; readonly failed: boolean } | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const list = versions.state === "ready" ? versions.value : null;
  const { reload } = versions;
  const version = useMemo(
    () =>
      selected === AUTHORSHIP
        ? null
        : (list?.versions.find((candidate) => candidate.id === selected) ?? list?.versions[0] ?? null),
    [list, selected],
  );
  const act = useCallback<Act>(
    async (what, work) => {
      try {
        setStatus({ text: await work(), failed: false });
        reload();
        setRefreshKey((key) => key + 1);
        return true;
      } catch (error) {
        setStatus({
          text: `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`,
          failed: true,
        });
        return false;
      }
    },
    [reload],
  );
  const nameVersion = (label: string) =>
    act("save the version", async () => {
      const made = await client.createVersion(name, label);
      setSelected(made.id);
      return `Saved “${label}”.`;
    });
  return (
    <section
      className={["tandem-sidebar", "tandem-history", className].filter(Boolean).join(" ")}
      aria-label="History"
      data-testid="history-panel"
    >
      <div className="tandem-history__list">
        {list?.canEdit ? <NameVersion onName={nameVersion} /> : null}
        {status ? (
          <p
            className={status.failed ? "tandem-history__status is-error" : "tandem-history__status"}
            role="status"
            data-testid="history-status"
          >
            {status.text}
          </p>
        ) : null}
        {versions.state === "failed" ? <p className="tandem-history__note is-error">{versions.message}</p> : null}
        {list && list.versions.length === 0 ? (
          <p className="tandem-sidebar__empty">
            No versions yet. One is saved when a burst of editing settles, or name the current state.
          </p>
        ) : null}
        {list ? (
          <button
            type="button"
            className={
              selected === AUTHORSHIP || list.versions.length === 0
                ? "tandem-history__version is-selected"
                : "tandem-history__version"
            }
            aria-pressed={selected === AUTHORSHIP}
            data-testid="history-authorship"
            onClick={() => setSelected(AUTHORSHIP)}
          >
            <span className="tandem-history__version-title">Who wrote what</span>
            <span className="tandem-history__version-meta">
              {list.lastEditedBy ? `Last edited by ${list.lastEditedBy.name}` : "The current text, by author"}
            </span>
          </button>
        ) : null}
        {list ? (
          <nav aria-label="Versions" data-testid="history-versions">
            {byDay(list.versions).map((day) => (
              <div key={day.label} className="tandem-history__day" data-testid="history-day">
                <h3>{day.label}</h3>
                <ul>
                  {day.versions.map((item) => (
                    <VersionItem
                      key={item.id}
                      version={item}
                      selected={item.id === version?.id}
                      onSelect={() => setSelected(item.id)}
                    />
                  ))}
                </ul>
              </div>
            ))}
          </nav>
        ) : null}
      </div>
      {list && version ? (
        <Viewer key={version.id} name={name} list={list} version={version} refreshKey={refreshKey} act={act} />
      ) : list ? (
        <AuthorshipView name={name} refreshKey={refreshKey} />
      ) : null}
    </section>
  );
}
