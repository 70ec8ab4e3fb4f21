import type { Hocuspocus } from "@hocuspocus/server";
import type { AuditEntry, AuditLog, AuthorProfile, DocumentStore, ShareLinkStore } from "@tandem/persistence";
import { commentsDocumentName, type DocumentSummary } from "@tandem/protocol";
import { removeAwarenessStates } from "y-protocols/awareness";
import * as Y from "yjs";
import type { Identity } from "../auth/identity.js";
import { scopeName, tenantOfName } from "../auth/tenant-names.js";
import type { DocumentService } from "../documents/service.js";
import type { DurableLog } from "../extensions/durable-log.js";
import { editLive } from "../history/live-edit.js";
import { type CommentsAbout, commentsAbout, eraseFromComments, holdsAnything } from "./comments.js";

/** What one document holds about a person (documents that hold nothing are left out). */
export interface DocumentAboutPerson extends CommentsAbout {
  readonly name: string;
  readonly title: string;
  /** How the document's history shows them (their name and colour when they last wrote). */
  readonly author: Omit<AuthorProfile, "id"> | null;
}

/** Everything the service holds about one person, as `GET /api/people/<id>/export` answers it. */
export interface PersonExport {
  /** Their user id (the token's `sub`). */
  readonly person: string;
  readonly exportedAt: string;
  readonly documents: readonly DocumentAboutPerson[];
  /** Audit entries of what they did, oldest first. */
  readonly audit: readonly AuditEntry[];
}

/** What an erasure changed. */
export interface ErasureResult {
  /** Documents whose comments or authorship held them. */
  readonly documents: number;
  /** Their comments emptied into placeholders. */
  readonly comments: number;
  /** Audit entries whose name and address were blanked. */
  readonly auditEntries: number;
}

/** Documents listed per query (the listing asks the store for one more, within its 1000). */
const DOCUMENTS_PAGE = 500;
/** Audit entries read per query (the most the log answers). */
const AUDIT_PAGE = 1000;

/**
 * Export and erasure of a person (docs/privacy.md) within `by`'s tenant (a
 * user id names a person in one tenant), over every idea and spec `by` may
 * list: their comments, reactions and the mentions of them in each
 * `#comments` document, how each document's history shows them, and their
 * audit entries.
 *
 * Erasing edits each comments document through its live Y.Doc
 * ({@link editLive}: clients see it at once, it is stored like any edit),
 * then compacts it dropping deleted content, so the erased text is in
 * neither the log nor the snapshot. It removes their name and colour from
 * each document's authorship and their presence from the documents open
 * here, deletes their share-link grants, and blanks their name and address
 * in the audit log.
 */
export class PeopleService {
  constructor(
    private readonly store: DocumentStore,
    private readonly audit: AuditLog,
    private readonly documents: DocumentService,
    private readonly hocuspocus: Hocuspocus,
    private readonly durable: DurableLog,
    private readonly shareLinks: ShareLinkStore,
  ) {}

  async export(by: Identity, person: string): Promise<PersonExport> {
    const documents: DocumentAboutPerson[] = [];
    for (const summary of await this.inScope(by)) {
      const name = scopeName(by.tenant, summary.name);
      const about = await this.readComments(name, person);
      const author = (await this.store.listAuthors(name)).find((profile) => profile.id === person);
      if (!holdsAnything(about) && author === undefined) continue;
      documents.push({
        name: summary.name,
        title: summary.title,
        author: author ? { name: author.name, color: author.color } : null,
        ...about,
      });
    }
    return { person, exportedAt: new Date().toISOString(), documents, audit: await this.auditOf(by, person) };
  }

  async erase(by: Identity, person: string): Promise<ErasureResult> {
    let documents = 0;
    let comments = 0;
    for (const summary of await this.inScope(by)) {
      const name = scopeName(by.tenant, summary.name);
      const commentsName = commentsDocumentName(name);
      const forgotten = await Promise.all([name, commentsName].map((each) => this.store.forgetAuthor(each, person)));
      let changed = forgotten.includes(true);
      // Read first: a comments document that holds nothing of theirs is not loaded live for nothing.
      if (holdsAnything(await this.readComments(name, person))) {
        const edited = await editLive(this.hocuspocus, this.durable, commentsName, by.id, (doc) => {
          comments += eraseFromComments(doc, person);
        });
        if (edited) {
          changed = true;
          await this.store.compact(commentsName, { discardDeleted: true });
        }
      }
      if (changed) documents++;
    }
    this.forgetPresence(by.tenant, person);
    // Their share-link grants hold their name; the documents shared with them go with them.
    await this.shareLinks.forgetUser(by.tenant, person);
    const auditEntries = await this.audit.forget(person, by.tenant);
    return { documents, comments, auditEntries };
  }

  /** Every idea and spec `by` may list (of their tenant), archived or not, by the names their clients know. */
  private async inScope(by: Identity): Promise<DocumentSummary[]> {
    const found: DocumentSummary[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = await this.documents.list(by, {
        archived: "all",
        sort: "createdAt",
        order: "asc",
        limit: DOCUMENTS_PAGE,
        offset,
      });
      found.push(...page.documents);
      offset = page.nextOffset;
    }
    return found;
  }

  /**
   * What the comments of `name` (the server's name) hold about `person`: the
   * live document when it is open here, else the stored one.
   */
  private async readComments(name: string, person: string): Promise<CommentsAbout> {
    const commentsName = commentsDocumentName(name);
    const live = this.hocuspocus.documents.get(commentsName);
    if (live) return commentsAbout(live, person);
    const doc = new Y.Doc();
    try {
      await this.store.load(commentsName, doc);
      return commentsAbout(doc, person);
    } finally {
      doc.destroy();
    }
  }

  /** Their audit entries in `by`'s tenant, oldest first. */
  private async auditOf(by: Identity, person: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.audit.query({
        tenant: by.tenant,
        actor: person,
        order: "asc",
        limit: AUDIT_PAGE,
        ...(after ? { after } : {}),
      });
      entries.push(...page);
      after = page.at(-1)?.id;
      if (page.length < AUDIT_PAGE) return entries;
    }
  }

  /**
   * Removes their presence (name, colour, caret) from the documents open
   * here; the removal reaches the other instances as any presence change
   * does. A client of theirs still connected would announce itself again:
   * revoke their access first.
   */
  private forgetPresence(tenant: string, person: string): void {
    for (const document of this.hocuspocus.documents.values()) {
      // A user id is a person within one tenant only.
      if (tenantOfName(document.name) !== tenant) continue;
      const theirs = [...document.awareness.getStates()]
        .filter(([, state]) => (state as { user?: { id?: unknown } } | null)?.user?.id === person)
        .map(([client]) => client);
      if (theirs.length > 0) removeAwarenessStates(document.awareness, theirs, "erasure");
    }
  }
}
