import type { Hocuspocus } from "@hocuspocus/server";
import { toMarkdown } from "@tandem/content";
import {
  type AuthorProfile,
  type DocumentStore,
  PersistenceError,
  type VersionInfo,
  type VersionKind,
} from "@tandem/persistence";
import {
  type DocumentAuthorship,
  type DocumentDiff,
  defaultUserColor,
  type HistoryAuthor,
  type HistoryChangeResult,
  type VersionContent,
  type VersionList,
  type VersionSummary,
} from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import * as Y from "yjs";
import type { Identity } from "../auth/identity.js";
import { clientName } from "../auth/tenant-names.js";
import type { DurableLog } from "../extensions/durable-log.js";
import { alignContent } from "./align.js";
import { applyAlignment } from "./apply.js";
import { authorIndex } from "./author-index.js";
import { readContent, textOf } from "./content-tree.js";
import { editLive } from "./live-edit.js";
import { type Credit, renderDiff, renderTitle, renderTree } from "./render.js";
import { revertedView } from "./revert.js";

/** A version by id, or the document as it is now. */
export type VersionRef = string | "current";

/** People by id, with a stand-in for ids the store has no profile of. */
class People {
  private readonly byId: Map<string, HistoryAuthor>;

  constructor(profiles: readonly AuthorProfile[]) {
    this.byId = new Map(profiles.map((profile) => [profile.id, { ...profile }]));
  }

  get(id: string): HistoryAuthor {
    return this.byId.get(id) ?? { id, name: id, color: defaultUserColor(id) };
  }

  maybe(id: string | null): HistoryAuthor | null {
    return id === null ? null : this.get(id);
  }
}

function summaryOf(version: VersionInfo, people: People): VersionSummary {
  return {
    id: version.id,
    kind: version.kind,
    label: version.label,
    createdAt: version.createdAt.toISOString(),
    createdBy: people.maybe(version.createdBy),
    authors: version.authors.map((id) => people.get(id)),
  };
}

const notFound = (what: string) => new PersistenceError("not-found", what);

/**
 * A document's history, as the REST API offers it (see docs/history.md):
 * versions, reading one, diffs with authors, who wrote what, restoring a
 * version and reverting one person's changes. Reads come from the store;
 * restore and revert edit the live document through Hocuspocus, and answer
 * once their edit is committed.
 *
 * Unknown documents and versions fail with `PersistenceError` `not-found`.
 */
export class DocumentHistory {
  constructor(
    private readonly store: DocumentStore,
    private readonly hocuspocus: Hocuspocus,
    private readonly durable: DurableLog,
  ) {}

  async listVersions(name: string): Promise<Omit<VersionList, "canEdit">> {
    const info = await this.store.stat(name);
    if (info === null) throw notFound(`no document named ${clientName(name)}`);
    const [versions, people] = await Promise.all([this.store.listVersions(name), this.people(name)]);
    return {
      versions: versions.map((version) => summaryOf(version, people)),
      lastEditedBy: people.maybe(info.lastEditedBy),
    };
  }

  /** Names the current state. */
  async createVersion(name: string, label: string, by: Identity): Promise<VersionSummary> {
    const version = await this.store.createVersion(name, { label, createdBy: by.id, kind: "named" });
    return summaryOf(version, await this.people(name));
  }

  async readVersion(name: string, ref: VersionRef): Promise<VersionContent> {
    const { doc, version } = await this.state(name, ref);
    try {
      const tree = readContent(doc);
      return {
        version: version && summaryOf(version, await this.people(name)),
        title: textOf(tree.title.chars),
        content: renderTree(tree.body),
      };
    } finally {
      doc.destroy();
    }
  }

  async readMarkdown(name: string, ref: VersionRef): Promise<string> {
    const { title, content } = await this.readVersion(name, ref);
    return toMarkdown({ title, content: content as JSONContent });
  }

  /**
   * What changed from one state to a later one, each change with its author.
   * The earlier of the two is taken as `from` whichever way they are given
   * (the current document is the latest).
   */
  async diff(name: string, first: VersionRef, second: VersionRef): Promise<DocumentDiff> {
    const laterFirst = second !== "current" && (first === "current" || BigInt(first) > BigInt(second));
    const [fromRef, toRef] = laterFirst ? [second, first] : [first, second];
    if (fromRef === "current")
      throw new PersistenceError("invalid-argument", "compare the current document with a version");
    const [from, to, attribution] = await Promise.all([
      this.state(name, fromRef),
      this.state(name, toRef),
      this.store.readAttribution(name),
    ]);
    try {
      const people = new People(attribution.authors);
      const { acceptors, ...rendered } = renderDiff(
        alignContent(readContent(from.doc), readContent(to.doc)),
        authorIndex(attribution),
      );
      const authors = rendered.summary.flatMap(({ author }) => (author === null ? [] : [author]));
      return {
        from: summaryOf(from.version as VersionInfo, people),
        to: to.version && summaryOf(to.version, people),
        ...rendered,
        authors: [...authors, ...acceptors.filter((id) => !authors.includes(id))].map((id) => people.get(id)),
      };
    } finally {
      from.doc.destroy();
      to.doc.destroy();
    }
  }

  /** The current document with who wrote each run of text, and who edited last. */
  async authorship(name: string): Promise<DocumentAuthorship> {
    const [{ doc }, attribution] = await Promise.all([this.state(name, "current"), this.store.readAttribution(name)]);
    try {
      const people = new People(attribution.authors);
      const lookup = authorIndex(attribution);
      const tree = readContent(doc);
      const authors = new Set<string>();
      const writtenBy = (id: Y.ID): Credit => {
        const author = lookup.insertedBy(id);
        if (author === null) return { author };
        authors.add(author);
        const acceptedBy = lookup.acceptedBy?.(id, "inserted") ?? null;
        if (acceptedBy === null) return { author };
        authors.add(acceptedBy);
        return { author, acceptedBy };
      };
      return {
        title: renderTitle(tree.title.chars, writtenBy),
        content: renderTree(tree.body, writtenBy),
        authors: [...authors].sort().map((id) => people.get(id)),
        lastEditedBy: people.maybe(attribution.lastEditedBy),
      };
    } finally {
      doc.destroy();
    }
  }

  /**
   * Turns the document back into a version by the smallest edit, after
   * keeping the current state as a `before-restore` version.
   */
  async restore(name: string, ref: string, by: Identity): Promise<HistoryChangeResult> {
    const target = await this.state(name, ref);
    try {
      const before = await this.checkpoint(name, "before-restore", by);
      const targetTree = readContent(target.doc);
      const changed = await editLive(this.hocuspocus, this.durable, name, by.id, (copy) =>
        applyAlignment(alignContent(readContent(copy), targetTree)),
      );
      return { before, unchanged: !changed };
    } finally {
      target.doc.destroy();
    }
  }

  /**
   * Reverts everything `author` changed since a version (or since the newest
   * version made at or before a time), as a new edit by `by`, after keeping
   * the current state as a `before-revert` version.
   */
  async revert(name: string, author: string, since: string | Date, by: Identity): Promise<HistoryChangeResult> {
    const sinceState = await this.sinceState(name, since);
    const history = new Y.Doc({ gc: false });
    try {
      const [{ found }, attribution] = await Promise.all([
        this.store.load(name, history),
        this.store.readAttribution(name),
      ]);
      if (!found) throw notFound(`no document named ${clientName(name)}`);
      const before = await this.checkpoint(name, "before-revert", by);
      const view = revertedView(authorIndex(attribution), author, sinceState);
      const changed = await editLive(this.hocuspocus, this.durable, name, by.id, (copy) => {
        // What the live document has that the store did not when it was read.
        Y.applyUpdate(history, Y.encodeStateAsUpdate(copy));
        applyAlignment(alignContent(readContent(copy), readContent(history, view)));
      });
      return { before, unchanged: !changed };
    } finally {
      history.destroy();
      sinceState.destroy();
    }
  }

  private async checkpoint(name: string, kind: VersionKind, by: Identity): Promise<VersionSummary> {
    const version = await this.store.createVersion(name, { kind, createdBy: by.id, skipIfUnchanged: true });
    return summaryOf(version, await this.people(name));
  }

  /** The state of a version, or the empty state when `since` is a time before every version. */
  private async sinceState(name: string, since: string | Date): Promise<Y.Doc> {
    if (typeof since === "string") return (await this.state(name, since)).doc;
    const versions = await this.store.listVersions(name);
    const version = versions.find((candidate) => candidate.createdAt.getTime() <= since.getTime());
    return version ? (await this.state(name, version.id)).doc : new Y.Doc();
  }

  private async state(name: string, ref: VersionRef): Promise<{ doc: Y.Doc; version: VersionInfo | null }> {
    const doc = new Y.Doc();
    if (ref === "current") {
      const { found } = await this.store.load(name, doc);
      if (!found) throw notFound(`no document named ${clientName(name)}`);
      return { doc, version: null };
    }
    const [state, versions] = await Promise.all([this.store.readVersion(name, ref), this.store.listVersions(name)]);
    Y.applyUpdate(doc, state);
    const version = versions.find((candidate) => candidate.id === ref);
    if (version === undefined) throw notFound(`no version ${ref} of ${clientName(name)}`);
    return { doc, version };
  }

  private async people(name: string): Promise<People> {
    return new People(await this.store.listAuthors(name));
  }
}
