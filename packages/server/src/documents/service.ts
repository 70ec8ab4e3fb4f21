import type { Hocuspocus } from "@hocuspocus/server";
import { type DocumentContent, readDocumentContent } from "@tandem/content";
import {
  type DocumentInfo,
  type DocumentStore,
  type ListSort,
  type MetadataScalar,
  PersistenceError,
} from "@tandem/persistence";
import {
  commentsDocumentName,
  contributorsText,
  DocumentFields,
  type DocumentKind,
  DocumentKinds,
  type DocumentPage,
  type DocumentSummary,
  documentKindOf,
  documentMetaFrom,
  isRole,
  listTitle,
  type SpecPriority,
  type SpecStatus,
} from "@tandem/protocol";
import * as Y from "yjs";
import { accessTo, type Identity } from "../auth/identity.js";
import { clientName, scopeListNames, scopeName } from "../auth/tenant-names.js";
import type { DurableLog } from "../extensions/durable-log.js";
import { editLive } from "../history/live-edit.js";
import type { ArchivedDocuments } from "./archived.js";
import type { Deletions } from "./deletions.js";
import { type ListedMetadata, listedMetadataOf, storedMetadata } from "./metadata.js";
import { newDocumentName } from "./names.js";
import { newDocumentUpdate } from "./new-document.js";
import { presentIn } from "./presence.js";
import { searchTextOf } from "./search-text.js";
import { type ThreadView, threadViews } from "./threads.js";

/** How `list` narrows and orders. */
export interface DocumentQuery {
  readonly kind?: DocumentKind | undefined;
  /** Title or text contains, case-insensitively. */
  readonly q?: string | undefined;
  readonly status?: SpecStatus | undefined;
  readonly owner?: string | undefined;
  /** `false` (the default): active documents; `true`: archived ones; `all`: both. */
  readonly archived: boolean | "all";
  /** Only documents the caller did not create ("shared with me"). */
  readonly shared?: boolean | undefined;
  readonly sort: ListSort;
  readonly order: "asc" | "desc";
  readonly limit: number;
  readonly offset: number;
}

/** A change of what a document says about itself; what is left out stays. */
export interface MetadataChange {
  readonly title?: string | undefined;
  readonly status?: SpecStatus | undefined;
  readonly owner?: string | null | undefined;
  /** Replaces the list; empty clears it. */
  readonly contributors?: readonly string[] | undefined;
  /** `YYYY-MM-DD`; null clears it. */
  readonly targetDate?: string | null | undefined;
  /** Null clears it. */
  readonly priority?: SpecPriority | null | undefined;
}

const notFound = (name: string) => new PersistenceError("not-found", `no document named ${clientName(name)}`);

/** What the service tells others of (webhooks announce them), each once the change is stored. */
export interface DocumentEvents {
  created(name: string, createdBy: string, title: string): void;
  archived(name: string, by: string | null): void;
  deleted(name: string, by: string | null): void;
}

/**
 * The documents of the REST API (see docs/api.md): listing, creating (from
 * a template or from content), reading, changing the title, status and
 * owner, archiving, duplicating and deleting. Access is the caller's
 * concern (the routes decide it from the token before calling); a missing
 * document fails with `PersistenceError` `not-found`.
 *
 * Names taken are the server's (scoped by tenant, see `scopeName`); names
 * in the summaries it returns are the ones the tenant's clients know.
 */
export class DocumentService {
  constructor(
    private readonly store: DocumentStore,
    private readonly hocuspocus: Hocuspocus,
    private readonly durable: DurableLog,
    private readonly deletions: Deletions,
    private readonly archive: ArchivedDocuments,
    private readonly events?: DocumentEvents,
  ) {}

  /**
   * A stored document as listed to `identity`: live title and metadata when
   * it is open here (fresher than the mirror), and their role on it (the
   * token's, or a share link's when it grants more).
   */
  summarize(info: DocumentInfo, identity: Identity): DocumentSummary {
    const live = this.hocuspocus.documents.get(info.name);
    const metadata = (live && listedMetadataOf(live)) ?? info.metadata;
    const name = clientName(info.name);
    const kind = documentKindOf(name);
    // The name decides the kind: it cannot change, while `meta.kind` is whatever a client last wrote.
    const meta = documentMetaFrom({ ...metadata, kind });
    const archivedAt = info.metadata.archivedAt;
    return {
      name,
      title: listTitle(typeof metadata.title === "string" ? metadata.title : ""),
      kind,
      status: meta.status,
      owner: meta.owner,
      contributors: meta.contributors,
      targetDate: meta.targetDate,
      priority: meta.priority,
      updatedAt: info.updatedAt.toISOString(),
      present: presentIn(this.hocuspocus, info.name),
      archivedAt: typeof archivedAt === "string" ? archivedAt : null,
      role: accessTo(identity, info.name)?.role ?? null,
      createdByYou: info.metadata.createdBy === identity.id,
    };
  }

  /** One document, as listed to `identity`. */
  async get(name: string, identity: Identity): Promise<DocumentSummary> {
    const info = await this.store.stat(name);
    if (info === null) throw notFound(name);
    return this.summarize(info, identity);
  }

  /**
   * One page of the ideas and specs `identity` may read, of its tenant only.
   * The token's access patterns and the documents shared with the caller
   * through links (by their exact names) go into the query, so pages are
   * full and never skip anything: any role reads, so a name is readable
   * exactly when a pattern matches it or a link in force shares it. "Shared
   * with me" is every readable document its reader did not create.
   */
  async list(identity: Identity, query: DocumentQuery): Promise<DocumentPage> {
    const patterns = Object.entries(identity.access).flatMap(([pattern, role]) => (isRole(role) ? [pattern] : []));
    // Server names already (scoped), and only those whose link has not expired.
    const shared = [...(identity.shared?.keys() ?? [])].filter((name) => accessTo(identity, name) !== undefined);
    const metadata: Record<string, MetadataScalar> = {};
    if (query.status !== undefined) metadata.status = query.status;
    if (query.owner !== undefined) metadata.owner = query.owner;
    if (query.archived === false) metadata.archivedAt = null;
    const names = scopeListNames(identity.tenant, {
      prefixes: (query.kind ? [query.kind] : DocumentKinds).map((kind) => `${kind}/`),
      namePatterns: patterns,
      excludePatterns: ["*#comments"],
    });
    const found = await this.store.list({
      ...names,
      names: shared,
      ...(query.q !== undefined ? { textContains: query.q } : {}),
      metadata,
      ...(query.shared ? { metadataNot: { createdBy: identity.id } } : {}),
      withMetadata: query.archived === true ? ["archivedAt"] : [],
      sort: query.sort,
      order: query.order,
      // One more than asked, to know whether there is a next page.
      limit: query.limit + 1,
      offset: query.offset,
    });
    return {
      documents: found.slice(0, query.limit).map((info) => this.summarize(info, identity)),
      nextOffset: found.length > query.limit ? query.offset + query.limit : null,
    };
  }

  /**
   * Creates a document of `kind` from `content` (its template when not
   * given), stored before anyone can open it, with `identity` as its author
   * and, for a spec, its owner.
   */
  async create(identity: Identity, kind: DocumentKind, title: string, update: Uint8Array): Promise<DocumentSummary> {
    const name = scopeName(identity.tenant, newDocumentName(kind));
    // Practically unreachable (see newDocumentName); refusing beats merging two documents into one.
    if ((await this.store.stat(name)) !== null)
      throw new PersistenceError("unavailable", "the generated name is taken");
    await this.store.append(name, update, { author: identity.id });
    await this.store.recordAuthor(name, { id: identity.id, name: identity.name, color: identity.color });
    // What the list shows, read from the new document as the mirror will read it (so opening it changes nothing).
    const { listed, text } = readNew(update);
    await this.store.setMetadata(name, {
      ...(listed ? storedMetadata(listed) : { title: listTitle(title), kind }),
      createdBy: identity.id,
    });
    // A copy or an import is searchable before anyone opens it (the mirror keeps it up to date from then on).
    if (text) await this.store.setSearchText(name, text);
    const created = await this.get(name, identity);
    this.events?.created(name, identity.id, title);
    return created;
  }

  /** A new document of `kind` with `content`, as {@link create} stores it. */
  createFrom(identity: Identity, kind: DocumentKind, content: DocumentContent): Promise<DocumentSummary> {
    const update = newDocumentUpdate({ kind, owner: identity.name, ...content });
    return this.create(identity, kind, content.title, update);
  }

  /** A document's title and body now: from the live document when it is open here, else from the store. */
  async readContent(name: string): Promise<DocumentContent> {
    const live = this.hocuspocus.documents.get(name);
    if (live) return readDocumentContent(live);
    const doc = new Y.Doc();
    try {
      if (!(await this.store.load(name, doc)).found) throw notFound(name);
      return readDocumentContent(doc);
    } finally {
      doc.destroy();
    }
  }

  /** The comment threads of a document, with their state (none when nobody has commented). */
  async readThreads(name: string): Promise<ThreadView[]> {
    if ((await this.store.stat(name)) === null) throw notFound(name);
    const commentsName = commentsDocumentName(name);
    const live = this.hocuspocus.documents.get(commentsName);
    if (live) return threadViews(live);
    const doc = new Y.Doc();
    try {
      await this.store.load(commentsName, doc);
      return threadViews(doc);
    } finally {
      doc.destroy();
    }
  }

  /**
   * Changes the title, status or owner where they live, in the document
   * itself, as an edit by `identity` that everyone with it open sees at once
   * (resolves once committed), and in the store's list metadata.
   */
  async updateMetadata(identity: Identity, name: string, change: MetadataChange): Promise<DocumentSummary> {
    if ((await this.store.stat(name)) === null) throw notFound(name);
    let listed: ListedMetadata | null = null;
    await editLive(this.hocuspocus, this.durable, name, identity.id, (doc) => {
      if (change.title !== undefined) {
        const title = doc.getText(DocumentFields.title);
        title.delete(0, title.length);
        title.insert(0, change.title);
      }
      const meta = doc.getMap<string>(DocumentFields.meta);
      if (change.status !== undefined) meta.set("status", change.status);
      const set = (key: string, value: string | null | undefined) => {
        if (value === null) meta.delete(key);
        else if (value !== undefined) meta.set(key, value);
      };
      set("owner", change.owner);
      set("contributors", change.contributors && contributorsText(change.contributors));
      set("targetDate", change.targetDate);
      set("priority", change.priority);
      listed = listedMetadataOf(doc);
    });
    if (listed !== null) await this.store.setMetadata(name, storedMetadata(listed));
    return this.get(name, identity);
  }

  /**
   * Archives (hides from lists by default, read-only for everyone: see
   * {@link ArchivedDocuments}) or unarchives a document, as `identity` asks.
   * Connections open to it get their new scope: here before this resolves,
   * on other instances when Redis brings them the news.
   */
  async setArchived(name: string, archived: boolean, identity: Identity): Promise<DocumentSummary> {
    const by = identity.id;
    const info = await this.store.stat(name);
    if (info === null) throw notFound(name);
    const already = typeof info.metadata.archivedAt === "string";
    if (archived !== already) {
      await this.store.setMetadata(name, { archivedAt: archived ? new Date().toISOString() : null });
      await this.archive.changed(this.hocuspocus, name);
      if (archived) this.events?.archived(name, by);
    }
    return this.get(name, identity);
  }

  /** A new document of the same kind with the same title (or `title`) and body; comments are not copied. */
  async duplicate(identity: Identity, name: string, title: string | undefined): Promise<DocumentSummary> {
    const kind = documentKindOf(clientName(name));
    if (kind === null) throw new PersistenceError("invalid-argument", `${clientName(name)} is not an idea or a spec`);
    const content = await this.readContent(name);
    return this.createFrom(identity, kind, { title: title ?? content.title, content: content.content });
  }

  /** Deletes a document and its comments (see {@link Deletions}), as `by` (a user id) asks. */
  async delete(name: string, by: string | null = null): Promise<void> {
    if (!(await this.deletions.delete(this.hocuspocus, name))) throw notFound(name);
    this.events?.deleted(name, by);
  }
}

/** The listed metadata and the plain text of a new document, from its first update. */
function readNew(update: Uint8Array): { listed: ListedMetadata | null; text: string | null } {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return { listed: listedMetadataOf(doc), text: searchTextOf(doc) };
  } finally {
    doc.destroy();
  }
}
