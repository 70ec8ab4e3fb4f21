import type { HocuspocusProvider } from "@hocuspocus/provider";
import { type AnchorPositions, CloseCodes, DocumentFields } from "@tandem/protocol";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { releaseResolvedThread } from "../comments/active-thread.js";
import { type CommentsStore, createCommentsStore } from "../comments/store.js";
import type { TandemUser } from "../identity.js";
import { shallowEqual, Value } from "../observable.js";
import { PresenceTracker } from "../presence/tracker.js";
import type { DocumentProvider } from "./document-provider.js";
import type { LocalCopy } from "./local-copy.js";

/**
 * What the server lets this client do with one of a document's two Yjs
 * documents, as it said when it authenticated the connection:
 * `pending` until then, `denied` when it refused.
 */
export type Access = "pending" | "read-write" | "read-only" | "denied";

/** Whether local changes have reached the server: one document's, or summed over several. */
export interface SyncState {
  /** Every document involved has completed its first exchange with the server since the socket (re)connected. */
  readonly synced: boolean;
  /** Local changes the server has not yet acknowledged (acknowledged means stored durably). */
  readonly unsyncedChanges: number;
  /**
   * Whether every document involved is also kept on this device (IndexedDB),
   * so that changes waiting for the server survive a reload or a closed tab.
   */
  readonly keptOnDevice: boolean;
}

/** A document's connection and sync state. */
export interface DocumentState extends SyncState {
  /** The content: `read-write` for owners and editors. */
  readonly contentAccess: Access;
  /** The comments: `read-write` for owners, editors and commenters. */
  readonly commentsAccess: Access;
  /**
   * Why the server refused this document, when it did; {@link ACCESS_ENDED}
   * when it ended access while the document was open.
   */
  readonly deniedReason: string | null;
  /**
   * The server closed the document because it was deleted (the close reason
   * `document-deleted`, 4410, on any instance): both halves are `denied` and
   * detached from the socket, so no reconnect brings it back (an edit would
   * otherwise create a new document under its name).
   */
  readonly deleted: boolean;
}

/**
 * The `deniedReason` of a document whose access the server ended while it was
 * open: a share link it was opened through was revoked or has expired.
 */
export const ACCESS_ENDED = "access ended: the share link was revoked or has expired";

/** UI state shared by the components showing one document (editor, sidebar, avatars). */
export interface DocumentUi {
  /** The thread selected in the sidebar or by clicking its highlight. */
  readonly activeThreadId: string | null;
  /** Increases each time the active thread's text should be scrolled into view. */
  readonly revealRequest: number;
  /** The user whose caret the editor follows, if any. */
  readonly following: string | null;
  /** A selection waiting for its first comment (the "Comment" button was pressed). */
  readonly draft: { readonly positions: AnchorPositions; readonly quote: string } | null;
  /** Whether an editor or owner chose "Suggesting": their changes become suggestions. Commenters always suggest. */
  readonly suggesting: boolean;
}

/** What a {@link TandemDocument} is made of; the connection builds it. */
export interface TandemDocumentParts {
  readonly name: string;
  readonly user: TandemUser;
  readonly content: DocumentProvider;
  readonly comments: DocumentProvider;
  /** The copies on this device of the content and the comments, where the kit keeps them (browsers). */
  readonly local?: { readonly content: LocalCopy; readonly comments: LocalCopy } | undefined;
}

type Half = "content" | "comments";

/**
 * One document open on a {@link TandemConnection}: its content and comments
 * (two Yjs documents on the shared socket), presence, comment threads, sync
 * state and the UI state its components share.
 */
export class TandemDocument {
  readonly name: string;
  readonly user: TandemUser;
  /** The content's Yjs document. */
  readonly content: Y.Doc;
  /** The rich text, as TipTap's Collaboration extension binds it. */
  readonly fragment: Y.XmlFragment;
  /** The comments' Yjs document (`<name>#comments`). */
  readonly comments: Y.Doc;
  readonly contentProvider: HocuspocusProvider;
  readonly commentsProvider: HocuspocusProvider;
  readonly awareness: Awareness;
  readonly presence: PresenceTracker;
  readonly commentsStore: CommentsStore;
  readonly state: Value<DocumentState>;
  readonly ui: Value<DocumentUi>;
  private contentLoaded = false;
  private deniedReason: string | null = null;
  private deleted = false;
  private readonly access = { content: "pending" as Access, comments: "pending" as Access };
  private readonly providers: Readonly<Record<Half, DocumentProvider>>;
  private readonly local: Readonly<Record<Half, LocalCopy>> | undefined;
  private readonly stopReleasingResolved: () => void;

  constructor(parts: TandemDocumentParts) {
    this.name = parts.name;
    this.user = parts.user;
    this.contentProvider = parts.content;
    this.commentsProvider = parts.comments;
    this.providers = { content: parts.content, comments: parts.comments };
    this.local = parts.local;
    this.content = parts.content.document;
    this.comments = parts.comments.document;
    this.fragment = this.content.getXmlFragment(DocumentFields.content);
    const awareness = parts.content.awareness;
    if (!awareness) throw new Error("the content provider needs awareness");
    this.awareness = awareness;
    // The server replaces this with what the token says; set it so that the local view agrees.
    awareness.setLocalStateField("user", { ...this.user });
    this.presence = new PresenceTracker(awareness);
    this.state = new Value<DocumentState>(this.computeState(), shallowEqual);
    this.ui = new Value<DocumentUi>(
      { activeThreadId: null, revealRequest: 0, following: null, draft: null, suggesting: false },
      shallowEqual,
    );
    this.commentsStore = createCommentsStore({
      comments: this.comments,
      content: this.fragment,
      user: this.user,
      canWrite: () => this.access.comments === "read-write",
      canDecide: () => this.access.content === "read-write",
      contentReady: () => this.contentLoaded,
      // The server makes an accepted change from the decision; the content provider must not send it too.
      acceptedChangeOrigin: this.contentProvider,
    });
    this.stopReleasingResolved = releaseResolvedThread(this.commentsStore, this.ui, () => this.selectThread(null));
    this.watch(this.contentProvider, "content");
    this.watch(this.commentsProvider, "comments");
  }

  private watch(provider: HocuspocusProvider, half: Half): void {
    provider.on("authenticated", ({ scope }: { scope: string }) => {
      if (this.deleted) return;
      this.access[half] = scope === "read-write" ? "read-write" : "read-only";
      this.deniedReason = null;
      this.refresh();
    });
    provider.on("authenticationFailed", ({ reason }: { reason: string }) => {
      this.access[half] = "denied";
      this.deniedReason = reason || "permission denied";
      this.refresh();
    });
    provider.on("synced", () => {
      if (half === "content") this.contentLoaded = true;
      // Recorded once the server's people entry is known, so an unchanged entry is not rewritten.
      if (half === "comments") this.commentsStore.recordPresence();
      this.refresh();
    });
    provider.on("unsyncedChanges", () => this.refresh());
    provider.on("close", ({ event }: { event?: { code?: number; reason?: string } }) => {
      // Hocuspocus's per-document close carries the reason only (its code is 1000).
      const deleted = CloseCodes.DocumentDeleted;
      if (event?.reason === deleted.reason || event?.code === deleted.code) this.markDeleted();
      else if (event?.reason === CloseCodes.Forbidden.reason) this.markEnded(half);
      this.refresh();
    });
  }

  /**
   * The server ended this half's access while it was open (a share link was
   * revoked or expired): per document, with the 4403 entry's reason, never retried.
   */
  private markEnded(half: Half): void {
    this.access[half] = "denied";
    this.deniedReason = ACCESS_ENDED;
    this.providers[half].detach();
  }

  private markDeleted(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.access.content = "denied";
    this.access.comments = "denied";
    this.deniedReason = CloseCodes.DocumentDeleted.reason;
    // Detached, a provider neither answers the socket's reconnects nor sends edits.
    for (const provider of Object.values(this.providers)) provider.detach();
  }

  /**
   * A half's changes waiting for the server: what its provider counts, plus
   * what an earlier page left unacknowledged on this device, until the server
   * has acknowledged everything the device holds.
   */
  private pending(half: Half): number {
    return this.providers[half].unsyncedChanges + (this.local?.[half].carried ?? 0);
  }

  private computeState(): DocumentState {
    return {
      contentAccess: this.access.content,
      commentsAccess: this.access.comments,
      synced: this.contentProvider.isSynced && this.commentsProvider.isSynced,
      unsyncedChanges: this.pending("content") + this.pending("comments"),
      keptOnDevice: this.local !== undefined && !this.local.content.failed && !this.local.comments.failed,
      deniedReason: this.deniedReason,
      deleted: this.deleted,
    };
  }

  /** @internal Recomputes the state; the connection calls it when a local copy has loaded. */
  refresh(): void {
    if (this.local) {
      for (const half of ["content", "comments"] as const) {
        const local = this.local[half];
        // Only once the copy is applied: before, the server cannot have confirmed what it holds.
        if (local.loaded && this.providers[half].allAcknowledged) local.confirm();
        local.record(this.pending(half));
      }
    }
    this.state.set(this.computeState());
  }

  /** Whether the local user may edit the text (owner, editor). */
  get canEdit(): boolean {
    return this.access.content === "read-write";
  }

  /** Whether the local user may comment (owner, editor, commenter). */
  get canComment(): boolean {
    return this.access.comments === "read-write";
  }

  /**
   * Whether the local user's changes to the text become suggestions now:
   * always for a commenter, for an editor or owner while "Suggesting" is on.
   */
  get isSuggesting(): boolean {
    return this.canComment && (!this.canEdit || this.ui.get().suggesting);
  }

  /** Turns "Suggesting" on or off (it matters to editors and owners; commenters always suggest). */
  setSuggesting(suggesting: boolean): void {
    this.ui.update((ui) => ({ ...ui, suggesting }));
  }

  /**
   * Selects a thread (or none). With `reveal`, the editor scrolls its text
   * into view; the sidebar scrolls to the thread whenever it changes.
   */
  selectThread(threadId: string | null, options: { reveal?: boolean } = {}): void {
    this.ui.update((ui) => ({
      ...ui,
      activeThreadId: threadId,
      revealRequest: options.reveal ? ui.revealRequest + 1 : ui.revealRequest,
    }));
  }

  /** Follows a user's caret in the editor (or stops, with `null`) until the local user acts. */
  follow(userId: string | null): void {
    this.ui.update((ui) => ({ ...ui, following: userId }));
  }

  /** Starts (or cancels, with `null`) a new thread on a selection; the sidebar asks for its first comment. */
  setDraft(draft: DocumentUi["draft"]): void {
    this.ui.update((ui) => ({ ...ui, draft, activeThreadId: draft ? null : ui.activeThreadId }));
  }

  /** @internal Called by the connection when the last user of the document is gone. */
  destroy(): void {
    this.stopReleasingResolved();
    this.commentsStore.destroy();
    this.presence.destroy();
    this.contentProvider.destroy();
    this.commentsProvider.destroy();
    this.local?.content.destroy();
    this.local?.comments.destroy();
    this.content.destroy();
    this.comments.destroy();
  }
}
