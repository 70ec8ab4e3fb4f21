import type { Hocuspocus } from "@hocuspocus/server";
import { type DocumentStore, PersistenceError } from "@tandem/persistence";
import {
  addThread,
  anchorFor,
  checkCommentBody,
  commentsDocumentName,
  DocumentFields,
  type Proposal,
  proposeSuggestion,
  recordPerson,
  TextIndex,
  type TextRange,
} from "@tandem/protocol";
import type * as Y from "yjs";
import type { Identity } from "../auth/identity.js";
import { clientName } from "../auth/tenant-names.js";
import type { DurableLog } from "../extensions/durable-log.js";
import { editLive } from "../history/live-edit.js";

/** Text named by quoting it: its `occurrence` (from 0) when it occurs more than once. */
export interface QuotedRange {
  readonly quote: string;
  readonly occurrence?: number;
}

/** A comment thread to start on a quoted range. */
export interface ProposedComment extends QuotedRange {
  readonly body: string;
}

/** A suggestion to make on a quoted range (an insertion goes right after the quote). */
export interface ProposedSuggestion extends QuotedRange {
  readonly proposal: Proposal;
  /** Its first comment, explaining it; blank is none. */
  readonly comment?: string;
}

/** What was made: the new thread's id. */
export interface ProposalResult {
  readonly threadId: string;
}

const invalid = (message: string) => new PersistenceError("invalid-argument", message);

function commentBody(text: string): string {
  const checked = checkCommentBody(text);
  if (!checked.ok) throw invalid(checked.reason);
  return checked.body;
}

/**
 * Comments and suggestions on a quoted range, made over REST for someone
 * who cannot hold a socket (a program, see docs/programs.md). Each is
 * written the way a client writes it: the quote is found in the live content,
 * anchored with the same positions, quote and context a person's would have,
 * and the thread is added to the live comments document through
 * {@link editLive}: broadcast to everyone at once, stored with the caller as
 * its author, answered once committed. The caller is recorded in `people`
 * (their name and colour) as the client kit records itself.
 *
 * Roles are checked by the caller (the route), with the rule of the
 * WebSocket (`accessTo` on `<name>#comments`). Unknown documents and quotes
 * fail with `PersistenceError` `not-found`; malformed proposals with
 * `invalid-argument`.
 */
export class DocumentProposals {
  constructor(
    private readonly store: DocumentStore,
    private readonly hocuspocus: Hocuspocus,
    private readonly durable: DurableLog,
  ) {}

  /** Starts a comment thread on the quoted text. */
  async comment(name: string, by: Identity, input: ProposedComment): Promise<ProposalResult> {
    const body = commentBody(input.body);
    return this.propose(name, by, input, (comments, index, range) => {
      const anchor = anchorFor(index, range);
      if (!anchor) throw invalid("the quote holds no text to comment on");
      const threadId = crypto.randomUUID();
      const createdAt = Date.now();
      addThread(
        comments,
        { id: threadId, createdBy: by.id, createdAt, anchor: anchor.positions, ...anchor },
        { id: crypto.randomUUID(), author: by.id, createdAt, body, mentions: [] },
      );
      return threadId;
    });
  }

  /** Proposes a change to the quoted text as a pending suggestion; the text is not touched. */
  async suggest(name: string, by: Identity, input: ProposedSuggestion): Promise<ProposalResult> {
    // No text is no comment, as the client kit's `suggest` has it.
    const body = input.comment?.trim() ? commentBody(input.comment) : undefined;
    return this.propose(name, by, input, (comments, index, quoted) => {
      const range = input.proposal.kind === "insert" ? { from: quoted.to, to: quoted.to } : quoted;
      const outcome = proposeSuggestion(comments, index.fragment, {
        id: crypto.randomUUID(),
        author: by.id,
        createdAt: Date.now(),
        range,
        proposal: input.proposal,
        ...(body ? { comment: { id: crypto.randomUUID(), body, mentions: [] } } : {}),
      });
      if (!outcome.ok) throw invalid(outcome.reason);
      return outcome.threadId;
    });
  }

  /**
   * Finds the quote in the live content and makes `write` on the live
   * comments document for `by`. The content is read through a direct
   * connection, so a document nobody has open is loaded (and unloaded after).
   */
  private async propose(
    name: string,
    by: Identity,
    quoted: QuotedRange,
    write: (comments: Y.Doc, index: TextIndex, range: TextRange) => string,
  ): Promise<ProposalResult> {
    // A direct connection would create a document that does not exist.
    if ((await this.store.stat(name)) === null)
      throw new PersistenceError("not-found", `no document named ${clientName(name)}`);
    const content = await this.hocuspocus.openDirectConnection(name, {});
    try {
      const live = content.document;
      if (live === null) throw new Error(`the direct connection to ${name} closed at once`);
      const index = new TextIndex(live.getXmlFragment(DocumentFields.content));
      const occurrence = quoted.occurrence ?? 0;
      const range = index.find(quoted.quote, occurrence + 1)[occurrence];
      if (!range)
        throw new PersistenceError(
          "not-found",
          `the quote is not in ${clientName(name)}${occurrence > 0 ? ` ${occurrence + 1} times` : ""}`,
        );
      let threadId = "";
      await editLive(this.hocuspocus, this.durable, commentsDocumentName(name), by.id, (comments) => {
        threadId = write(comments, index, range);
        recordPerson(comments, by);
      });
      return { threadId };
    } finally {
      await content.disconnect();
    }
  }
}
