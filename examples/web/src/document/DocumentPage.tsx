import {
  ACCESS_ENDED,
  CollaborativeEditor,
  CommentsSidebar,
  ConnectionStatus,
  HistoryPanel,
  PresenceAvatars,
  type TandemConnection,
  type TandemDocument,
  useFollowing,
  usePresence,
  useTandemConnection,
  useTandemDocument,
} from "@tandem/client";
import { documentKindOf, type PresentUser, type SessionInfo } from "@tandem/protocol";
import type { Editor } from "@tiptap/core";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { type Api, ApiError } from "../api.js";
import { kindLabels } from "../ui/labels.js";
import { StrokeIcon, ToolbarButton } from "../ui/ToolbarButton.js";
import { MetaFields } from "./MetaFields.js";
import { LinkEnded } from "./OpenShareLink.js";
import { ShareButton } from "./ShareButton.js";
import { SpecDetails } from "./SpecDetails.js";
import { TitleField } from "./TitleField.js";

type Lookup =
  | { readonly state: "loading" }
  | { readonly state: "found" }
  | { readonly state: "missing" | "forbidden" | "failed"; readonly message: string };

/**
 * Looks the document up before connecting: the collaboration socket would
 * happily open (and, on the first keystroke, create) any name, so a mistyped
 * or deleted link is caught here instead. Offline, a document this device
 * keeps a copy of opens from it.
 */
function useLookup(api: Api, connection: TandemConnection, name: string): Lookup {
  const [lookup, setLookup] = useState<Lookup>({ state: "loading" });
  useEffect(() => {
    let current = true;
    const look = async (): Promise<Lookup> => {
      try {
        await api.get(name);
        return { state: "found" };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof ApiError && error.status === 404) return { state: "missing", message };
        if (error instanceof ApiError && error.status === 403) return { state: "forbidden", message };
        const offline = error instanceof ApiError && error.code === "network";
        if (offline && (await connection.localDocuments().catch((): string[] => [])).includes(name))
          return { state: "found" };
        return { state: "failed", message };
      }
    };
    void look().then((next) => current && setLookup(next));
    return () => {
      current = false;
    };
  }, [api, connection, name]);
  return lookup;
}

/**
 * Enter in the title moves on to the body: to the first paragraph, which in a
 * templated document is the first section's text rather than its heading.
 */
function focusFirstParagraph(editor: Editor): void {
  let target: number | undefined;
  editor.state.doc.descendants((node, position) => {
    if (target === undefined && node.type.name === "paragraph") target = position + 1;
    return target === undefined;
  });
  if (target === undefined) editor.commands.focus("end");
  else editor.chain().focus().setTextSelection(target).run();
}

function BackLink() {
  return (
    <a href="#/" className="back-link" aria-label="All documents" data-testid="back-to-list">
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" aria-hidden="true">
        <path d="M15 18l-6-6 6-6" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <span className="hide-on-phone">All documents</span>
    </a>
  );
}

/** Whether the server lets this person edit the content: `undefined` until it has said. */
function useCanEdit(document: TandemDocument): boolean | undefined {
  const state = useSyncExternalStore(
    (listener) => document.state.subscribe(listener),
    () => document.state.get(),
  );
  if (state.contentAccess === "pending") return undefined;
  return state.contentAccess === "read-write";
}

/** Whether the server ended this person's access while the document was open (their share link stopped working). */
function useAccessEnded(document: TandemDocument | null): boolean {
  return useSyncExternalStore(
    (listener) => document?.state.subscribe(listener) ?? (() => {}),
    () => document?.state.get().deniedReason === ACCESS_ENDED,
  );
}

/** Whether the server said the document was deleted while it was open (close reason `document-deleted`). */
function useDeleted(document: TandemDocument | null): boolean {
  return useSyncExternalStore(
    (listener) => document?.state.subscribe(listener) ?? (() => {}),
    () => document?.state.get().deleted ?? false,
  );
}

/** The page instead of a document that cannot be shown, saying why. */
function Unavailable({ title, body, message }: { title: string; body: string; message?: string | undefined }) {
  return (
    <main className="doc-page">
      <div className="doc-toolbar">
        <BackLink />
      </div>
      <div className="center-page" data-testid="document-unavailable">
        <div className="card stack" role="alert">
          <h1>{title}</h1>
          {body && <p>{body}</p>}
          {message && <p className="muted">{message}</p>}
        </div>
      </div>
    </main>
  );
}

function Header({
  document,
  name,
  people,
  onTitleEnter,
}: {
  document: TandemDocument;
  name: string;
  people: PresentUser[];
  onTitleEnter: () => void;
}) {
  const canEdit = useCanEdit(document);
  const kind = documentKindOf(name);
  return (
    <>
      <div className="doc-kind-line">
        <span className={`kind-badge kind-${kind ?? "other"}`}>{kind ? kindLabels[kind] : "Doc"}</span>
      </div>
      <TitleField
        doc={document.content}
        readOnly={canEdit !== true}
        placeholder={`Untitled ${kind ?? "document"}`}
        onEnter={onTitleEnter}
      />
      <MetaFields doc={document.content} name={name} readOnly={canEdit !== true} people={people} />
      <SpecDetails doc={document.content} name={name} readOnly={canEdit !== true} />
    </>
  );
}

function Workspace({ name, thread, session }: { name: string; thread: string | undefined; session: SessionInfo }) {
  const document = useTandemDocument(name);
  const presence = usePresence(name);
  const accessEnded = useAccessEnded(document);
  const [commentsOpen, setCommentsOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [editor, setEditor] = useState<Editor | null>(null);
  // On a phone the comments are a sheet: open it when a comment is started or a highlight is clicked.
  useEffect(() => {
    if (!document) return;
    let last = document.ui.get();
    return document.ui.subscribe(() => {
      const ui = document.ui.get();
      if ((ui.draft && !last.draft) || (ui.activeThreadId && ui.activeThreadId !== last.activeThreadId)) {
        setCommentsOpen(true);
      }
      last = ui;
    });
  }, [document]);
  // Arriving from a notification: that thread, selected (which opens the comments) and its text in view.
  useEffect(() => {
    if (document && thread) document.selectThread(thread, { reveal: true });
  }, [document, thread]);
  const people = useMemo<PresentUser[]>(() => {
    const byId = new Map<string, PresentUser>([[session.user.id, session.user]]);
    for (const peer of presence.peers) byId.set(peer.user.id, peer.user);
    return [...byId.values()];
  }, [presence.peers, session.user]);
  const deleted = useDeleted(document);
  if (deleted) {
    return <Unavailable title="This document was deleted" body="Its owner deleted it while it was open here." />;
  }
  if (accessEnded) return <LinkEnded />;
  return (
    <main className="doc-page">
      <div className="doc-toolbar">
        <BackLink />
        <span className="doc-toolbar-spacer" />
        <PresenceAvatars document={name} max={4} />
        <ConnectionStatus document={name} />
        <ToolbarButton
          className="comments-toggle"
          label="Comments"
          icon={<StrokeIcon path="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z" />}
          aria-expanded={commentsOpen}
          aria-controls="comments-panel"
          data-testid="toggle-comments"
          onClick={() => setCommentsOpen((open) => !open)}
        />
        <ToolbarButton
          className={historyOpen ? "history-toggle is-active" : "history-toggle"}
          label="History"
          icon={<StrokeIcon path="M3 12a9 9 0 1 0 3-6.7M3 4v4h4M12 7v5l3 2" />}
          aria-pressed={historyOpen}
          data-testid="toggle-history"
          onClick={() => setHistoryOpen((open) => !open)}
        />
        <FollowButton name={name} />
        <ShareButton name={name} />
      </div>
      {historyOpen ? (
        <section className="doc-history" aria-label="History">
          <div className="doc-history-header">
            <h2>History</h2>
            <button type="button" className="button button-ghost" onClick={() => setHistoryOpen(false)}>
              Back to the document
            </button>
          </div>
          <HistoryPanel document={name} />
        </section>
      ) : null}
      <div className="doc-layout" hidden={historyOpen}>
        <section className="doc-main" aria-label="Document">
          <div className="doc-column">
            {document && (
              <Header
                document={document}
                name={name}
                people={people}
                onTitleEnter={() => editor && focusFirstParagraph(editor)}
              />
            )}
            <CollaborativeEditor document={name} placeholder="Start writing…" onEditor={setEditor} />
          </div>
        </section>
        <aside id="comments-panel" className={commentsOpen ? "doc-sidebar open" : "doc-sidebar"} aria-label="Comments">
          <div className="doc-sidebar-inner">
            <div className="sidebar-header">
              <h2>Comments</h2>
              <button
                type="button"
                className="button button-ghost sidebar-close"
                onClick={() => setCommentsOpen(false)}
              >
                Close
              </button>
            </div>
            <CommentsSidebar document={name} />
          </div>
        </aside>
      </div>
    </main>
  );
}

/** Follows or unfollows the document: a follower is told when a spec's status changes (docs/notifications.md). */
function FollowButton({ name }: { name: string }) {
  const { following, setFollowing } = useFollowing(name);
  if (following === null) return null;
  return (
    <ToolbarButton
      className={following ? "follow-toggle is-active" : "follow-toggle"}
      label={following ? "Following" : "Follow"}
      icon={<StrokeIcon path="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12Zm10 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z" />}
      aria-pressed={following}
      data-testid="toggle-follow"
      onClick={() => void setFollowing(!following).catch(() => {})}
    />
  );
}

/** One document: title, status and owner, the editor, who is here, and the comments. */
export function DocumentPage({
  api,
  name,
  thread,
  session,
}: {
  api: Api;
  name: string;
  /** The comment thread to open, when a notification led here. */
  thread?: string | undefined;
  session: SessionInfo;
}) {
  const lookup = useLookup(api, useTandemConnection(), name);
  if (lookup.state === "found") return <Workspace name={name} thread={thread} session={session} />;
  if (lookup.state === "loading") {
    return (
      <main className="doc-page">
        <div className="doc-toolbar">
          <BackLink />
        </div>
      </main>
    );
  }
  const text = {
    missing: { title: "No such document", body: "It may have been deleted, or the link is mistyped." },
    forbidden: { title: "No access", body: "Your access token does not include this document." },
    failed: { title: "Could not open the document", body: "" },
  }[lookup.state];
  return <Unavailable {...text} message={lookup.message} />;
}
