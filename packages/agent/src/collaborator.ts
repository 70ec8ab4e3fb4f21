import {
  type DocumentLease,
  type Observable,
  TandemClientError,
  TandemConnection,
  type TandemDocument,
  type TandemUser,
} from "@tandem/client/headless";
import { type DocumentContent, readDocumentContent, toMarkdown } from "@tandem/content";
import {
  checkCommentBody,
  type Proposal,
  proposeSuggestion,
  type SuggestionErrorCode,
  TextIndex,
  type TextRange,
} from "@tandem/protocol";
import { CURSOR_FIELD, type CursorState, cursorAtEnd, cursorFor } from "./caret.js";
import { TandemAgentError } from "./errors.js";
import { locateQuote, type QuoteInput } from "./quotes.js";
import { insertIntoSection, type SectionPosition, sectionPoint } from "./sections.js";
import { replaceRange } from "./text-edits.js";

/** Options of {@link joinDocument}. */
export interface JoinOptions {
  /** The server's collaboration endpoint, `ws(s)://host/collab`. */
  readonly url: string;
  /** The document to join, e.g. `spec/42`. */
  readonly document: string;
  /**
   * The program's token: a JWT with `program: true` (`tandem-server token --program …`), whose `access` gives
   * it its role, as for a person. For a server in dev mode, a JSON dev token such as
   * `{"id":"reviewer","name":"Spec reviewer","program":true}`.
   */
  readonly token: string;
  /** Called for a fresh token when the server says the current one expired (close code 4401). */
  readonly getToken?: () => string | Promise<string>;
  /** How long to wait for the server to let the program in and send the document, and for writes to be stored. Default 30 s. */
  readonly timeoutMs?: number;
  /** A WebSocket implementation, where there is no global one (Node before 22). */
  readonly WebSocketPolyfill?: unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Waits until `ready()` holds, re-checking on every change of the observables.
 * Rejects with `unavailable` after `timeoutMs`, or with what `failed()` returns
 * as soon as it returns something.
 */
function waitUntil(
  sources: readonly Observable<unknown>[],
  ready: () => boolean,
  failed: () => TandemAgentError | undefined,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const unsubscribes: Array<() => void> = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error?: TandemAgentError) => {
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      const error = failed();
      if (error) finish(error);
      else if (ready()) finish();
    };
    for (const source of sources) unsubscribes.push(source.subscribe(check));
    timer = setTimeout(() => finish(new TandemAgentError("unavailable", `timed out waiting for ${what}`)), timeoutMs);
    check();
  });
}

/** A client kit error, in the agent's terms. */
function agentError(error: unknown): unknown {
  if (!(error instanceof TandemClientError)) return error;
  const code = error.code === "read-only" ? "forbidden" : error.code === "not-found" ? "not-found" : "invalid-argument";
  return new TandemAgentError(error.code === "destroyed" ? "closed" : code, error.message, { cause: error });
}

/** A suggestion's failure, in the agent's terms. */
function suggestionErrorCode(code: SuggestionErrorCode): "not-found" | "invalid-argument" {
  return code === "not-found" ? "not-found" : "invalid-argument";
}

/**
 * A program taking part in one document as a named collaborator, with the
 * role its token gives it. Everyone sees it in presence, labelled as a
 * program, with a caret where it last worked; everything it writes is
 * attributed to it in the document's history, as a person's edits are.
 * Create one with {@link joinDocument}.
 */
export class Collaborator {
  /** Whether it is still in the document. */
  private open = true;
  /** The transaction origin of its writes, which the provider sends like a person's typing. */
  private readonly origin = { collaborator: true };

  /** @internal Use {@link joinDocument}. */
  constructor(
    private readonly connection: TandemConnection,
    private readonly lease: DocumentLease,
    private readonly timeoutMs: number,
  ) {}

  /** The document as the client kit holds it: its Yjs documents, comments store and state, for what this API does not cover. */
  get document(): TandemDocument {
    return this.lease.document;
  }

  /** Who the program is, as its token says (the server stamps the same on its presence). */
  get user(): TandemUser {
    return this.document.user;
  }

  /** Whether its role lets it write the text directly (owner, editor). */
  get canEdit(): boolean {
    return this.document.canEdit;
  }

  /** Whether its role lets it comment (owner, editor, commenter). */
  get canComment(): boolean {
    return this.document.canComment;
  }

  private ensureOpen(): void {
    if (!this.open) throw new TandemAgentError("closed", "this collaborator has left the document");
  }

  private index(): TextIndex {
    return new TextIndex(this.document.fragment);
  }

  /**
   * The document's text, blocks separated by line breaks: what quotes are
   * matched against.
   *
   * @example
   * ```ts
   * if (agent.text().includes("TBD")) await agent.comment("TBD", "Who decides this, and by when?");
   * ```
   */
  text(): string {
    this.ensureOpen();
    return this.index().text;
  }

  /**
   * Shows its caret over `quote` (a selection, with the caret at its end), or
   * at the start of the document's text for `null`.
   *
   * @throws TandemAgentError `not-found` when the quote is not in the document.
   */
  moveCaret(quote: QuoteInput | null): void {
    this.ensureOpen();
    const index = this.index();
    this.showCaret(index, quote === null ? { from: 0, to: 0 } : locateQuote(index, quote));
  }

  private showCaret(index: TextIndex, range: TextRange): void {
    this.setCursor(cursorFor(index, range));
  }

  private setCursor(cursor: CursorState | undefined): void {
    if (cursor) this.document.awareness.setLocalStateField(CURSOR_FIELD, cursor);
  }

  /**
   * The title and body as ProseMirror JSON, read through y-tiptap as an
   * editor would show them.
   *
   * @example
   * ```ts
   * const headings = agent.json().content.content?.filter((node) => node.type === "heading");
   * ```
   */
  json(): DocumentContent {
    this.ensureOpen();
    return readDocumentContent(this.document.content);
  }

  /**
   * The document as Markdown (GitHub flavoured), its title as the first
   * heading, written by TipTap's own serializer.
   */
  markdown(): string {
    this.ensureOpen();
    return toMarkdown(this.json());
  }

  private requireEdit(): void {
    this.ensureOpen();
    if (!this.canEdit) {
      throw new TandemAgentError(
        "forbidden",
        `${this.user.name}'s role on ${this.document.name} does not allow editing the text; propose a suggestion or comment instead`,
      );
    }
  }

  /**
   * Replaces quoted text with `replacement`, directly (its role must allow
   * editing: owner or editor). The quote must lie within one paragraph,
   * heading or cell; the new text keeps the formatting of the first replaced
   * character. Its caret moves to the end of the new text.
   *
   * @throws TandemAgentError `forbidden` for a commenter or viewer, `not-found`, `invalid-argument`.
   *
   * @example
   * ```ts
   * await agent.replaceText("recieve", "receive");
   * await agent.flushed(); // stored durably
   * ```
   */
  replaceText(quote: QuoteInput, replacement: string): void {
    this.requireEdit();
    const index = this.index();
    const done = replaceRange(index, locateQuote(index, quote), replacement, this.origin);
    this.showCaret(this.index(), { from: done.to, to: done.to });
  }

  /**
   * Inserts Markdown (parsed by TipTap's own Markdown reader into the
   * document's blocks: paragraphs, lists, task lists, tables…) into the
   * section under a heading, directly (owner or editor). `position: "end"`
   * (the default) puts it after the section's last block, `"start"` right
   * after the heading; a section holding only empty paragraphs (a template's
   * placeholder) has them replaced. Its caret moves to the end of the new
   * text.
   *
   * @throws TandemAgentError `forbidden` for a commenter or viewer, `not-found` for an unknown heading.
   *
   * @example
   * ```ts
   * agent.insertMarkdown("Open questions", "- [ ] Who owns the rollout?\n- [ ] What is the budget?");
   * ```
   */
  insertMarkdown(heading: string, markdown: string, options: { position?: SectionPosition } = {}): void {
    this.requireEdit();
    const last = insertIntoSection(this.document.fragment, heading, markdown, options.position ?? "end", this.origin);
    if (last) this.setCursor(cursorAtEnd(last));
  }

  /**
   * Starts a comment thread on quoted text (its role must allow commenting:
   * owner, editor or commenter). The thread is anchored as a person's is, and
   * its caret selects the text.
   *
   * @returns the new thread's id.
   * @throws TandemAgentError `forbidden` for a viewer, `not-found`, `invalid-argument` for an empty body.
   *
   * @example
   * ```ts
   * const threadId = agent.comment({ quote: "TBD", occurrence: 1 }, "Who decides this, and by when?");
   * ```
   */
  comment(quote: QuoteInput, body: string): string {
    this.ensureOpen();
    const store = this.document.commentsStore;
    const index = store.textIndex();
    const range = locateQuote(index, quote);
    try {
      const threadId = store.createThread({ range, body });
      this.showCaret(index, range);
      return threadId;
    } catch (error) {
      throw agentError(error);
    }
  }

  /**
   * Proposes a change to quoted text instead of making it (its role must
   * allow commenting: a commenter's only way to change the text). The
   * suggestion is a thread of the comments document, anchored on the quote
   * (for an `insert`, on the point right after it), with `comment` as its
   * first comment; a person with the editor or owner role accepts or rejects
   * it. The text is not touched. Its caret selects the quote.
   *
   * @returns the suggestion's thread id.
   * @throws TandemAgentError `forbidden` for a viewer, `not-found`, `invalid-argument` for a malformed proposal
   * or a comment over `CommentLimits.body` (a blank one is none).
   *
   * @example
   * ```ts
   * agent.suggest("recieve", { kind: "replace", text: "receive" }, { comment: "Spelling." });
   * agent.suggest("Rollout", { kind: "insert", text: " (two weeks)" });
   * ```
   */
  suggest(quote: QuoteInput, proposal: Proposal, options: { comment?: string } = {}): string {
    this.requireComment();
    const index = this.index();
    const quoted = locateQuote(index, quote);
    const range = proposal.kind === "insert" ? { from: quoted.to, to: quoted.to } : quoted;
    return this.propose(index, range, proposal, options.comment);
  }

  /**
   * Proposes adding `text` to the section under a heading: into its first
   * block when the section is still empty (a template's placeholder), else
   * after its last text. Like {@link suggest}, nothing changes until a
   * person accepts it.
   *
   * @returns the suggestion's thread id.
   * @throws TandemAgentError `forbidden` for a viewer, `not-found` for an unknown heading.
   *
   * @example
   * ```ts
   * agent.suggestInSection("Open questions", "Who owns the rollout?", { comment: "The section is empty." });
   * ```
   */
  suggestInSection(heading: string, text: string, options: { comment?: string } = {}): string {
    this.requireComment();
    const index = this.index();
    const point = sectionPoint(index, heading);
    return this.propose(index, { from: point, to: point }, { kind: "insert", text }, options.comment);
  }

  private requireComment(): void {
    this.ensureOpen();
    if (!this.canComment) {
      throw new TandemAgentError(
        "forbidden",
        `${this.user.name}'s role on ${this.document.name} does not allow suggesting`,
      );
    }
  }

  /** Writes a pending suggestion at `range` (a point for an insertion); its caret goes there. */
  private propose(index: TextIndex, range: TextRange, proposal: Proposal, comment: string | undefined): string {
    // Blank is no comment, as for the client kit's `suggest` and the REST proposals.
    const checked = comment?.trim() ? checkCommentBody(comment) : undefined;
    if (checked && !checked.ok) throw new TandemAgentError("invalid-argument", checked.reason);
    const body = checked?.body;
    const outcome = proposeSuggestion(
      this.document.comments,
      this.document.fragment,
      {
        id: crypto.randomUUID(),
        author: this.user.id,
        createdAt: Date.now(),
        range,
        proposal,
        ...(body ? { comment: { id: crypto.randomUUID(), body, mentions: [] } } : {}),
      },
      this.origin,
    );
    if (!outcome.ok) throw new TandemAgentError(suggestionErrorCode(outcome.code), outcome.reason);
    this.showCaret(index, range);
    return outcome.threadId;
  }

  /**
   * Adds a comment to an existing thread.
   *
   * @returns the comment's id.
   * @throws TandemAgentError `forbidden` for a viewer, `not-found` for an unknown thread.
   */
  reply(threadId: string, body: string): string {
    this.ensureOpen();
    try {
      return this.document.commentsStore.reply(threadId, body);
    } catch (error) {
      throw agentError(error);
    }
  }

  /**
   * Resolves once the server has acknowledged everything written so far,
   * which on a Tandem server means stored durably.
   *
   * @throws TandemAgentError `unavailable` when that takes longer than the join's `timeoutMs`.
   */
  flushed(): Promise<void> {
    this.ensureOpen();
    const { state } = this.document;
    return waitUntil(
      [state],
      () => state.get().synced && state.get().unsyncedChanges === 0,
      () => undefined,
      this.timeoutMs,
      "the server to store the program's changes",
    );
  }

  /**
   * Leaves the document: waits for what it wrote to be stored (see
   * {@link flushed}), then disconnects; its presence and caret disappear.
   * Leaving twice does nothing.
   */
  async leave(): Promise<void> {
    if (!this.open) return;
    try {
      await this.flushed();
    } finally {
      this.open = false;
      this.lease.release();
      this.connection.destroy();
    }
  }
}

/**
 * Joins a document as a program: connects with its token like any person
 * (its role applies; the server enforces it), and resolves once the server
 * has let it in and sent the document and its comments.
 *
 * @throws TandemAgentError `forbidden` when its token gives it no access to
 * the document or is refused, `unavailable` when the server does not answer
 * within `timeoutMs`.
 *
 * @example
 * ```ts
 * import { joinDocument } from "@tandem/agent";
 *
 * const agent = await joinDocument({ url: "ws://localhost:1234/collab", document: "spec/42", token });
 * agent.comment("TBD", "Who decides this, and by when?");
 * await agent.leave();
 * ```
 */
export async function joinDocument(options: JoinOptions): Promise<Collaborator> {
  const connection = new TandemConnection({
    url: options.url,
    token: options.token,
    keepOnDevice: false,
    ...(options.getToken ? { getToken: options.getToken } : {}),
    ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let lease: DocumentLease | undefined;
  try {
    lease = connection.openDocument(options.document);
    const { state } = lease.document;
    await waitUntil(
      [state, connection.state],
      () => {
        const now = state.get();
        return now.synced && now.contentAccess !== "pending" && now.commentsAccess !== "pending";
      },
      () => {
        const now = state.get();
        if (now.contentAccess === "denied" || now.commentsAccess === "denied") {
          return new TandemAgentError(
            "forbidden",
            `no access to ${options.document}: ${now.deniedReason ?? "refused"}`,
          );
        }
        const { phase, lastClose } = connection.state.get();
        if (phase === "unauthorized" || phase === "stopped") {
          return new TandemAgentError("forbidden", `the server refused the connection: ${lastClose?.reason ?? phase}`);
        }
        return undefined;
      },
      timeoutMs,
      `${options.document} to load`,
    );
    return new Collaborator(connection, lease, timeoutMs);
  } catch (error) {
    lease?.release();
    connection.destroy();
    throw agentError(error);
  }
}
