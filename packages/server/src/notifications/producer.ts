import { randomUUID } from "node:crypto";
import type { DocumentStore, NewNotification, NotificationStore } from "@tandem/persistence";
import { isSpecStatus, metaFieldsOf, parseDocumentName, readThread, threadsOf } from "@tandem/protocol";
import type * as Y from "yjs";
import { unscopeName } from "../auth/tenant-names.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { CommentEvent } from "../webhooks/comment-events.js";
import type { CommittedListener } from "../webhooks/event-source.js";
import { type MetaChange, metaOf } from "../webhooks/meta-changes.js";
import type { InboxSignal } from "./live.js";
import { maySee } from "./visibility.js";

const EXCERPT_LENGTH = 200;
// Who already follows which document by default, as far as this process knows: spares a write per edit.
const MAX_REMEMBERED_FOLLOWS = 10_000;

const excerptOf = (text: string) => (text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text);

/** What one committed change means for people's inboxes, before the access check. */
type Draft = Omit<NewNotification, "tenant" | "document">;

/**
 * Turns what the webhook event source detects (mentions, comments, status
 * and owner changes, committed edits) into notifications, so that one piece
 * of code reads the documents:
 *
 * - `mention`: the person a new comment mentions;
 * - `reply`: everyone who wrote in a thread (or started it) when someone
 *   else adds to it, unless the new comment mentions them (they get that);
 * - `suggestion`: the owners of a document when someone else suggests a change;
 * - `owner`: whoever a spec's owner is set to;
 * - `status`: the owners and followers of a spec whose status changed.
 *
 * A spec's owner is free text: it names whoever has that user id or name in
 * the tenant (see `findPeople`). Writers, commenters and owners follow a
 * document by default. Nobody is told of their own act, and nobody whose
 * last known access grants no role on the document is told at all.
 *
 * Never throws: a failure is logged and counted (`notification-failed`).
 */
export class NotificationProducer implements CommittedListener {
  private readonly pending = new Set<Promise<void>>();
  private readonly followed = new Set<string>();

  constructor(
    private readonly store: NotificationStore,
    private readonly documents: Pick<DocumentStore, "stat">,
    private readonly signal: InboxSignal,
    private readonly digestDelayMs: number,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  comments(documentName: string, events: readonly CommentEvent[], document: Y.Doc, author: string | undefined): void {
    const { content } = parseDocumentName(documentName);
    this.track(content, async () => {
      const { tenant, name } = unscopeName(content);
      const drafts: Draft[] = [];
      const commenters = new Set<string>();
      for (const event of events) {
        if (event.type === "mention.created") {
          const { comment, mentioned, threadId } = event.data;
          drafts.push({
            recipient: mentioned,
            kind: "mention",
            ...this.about(threadId, comment.id, comment.author, comment.authorName, comment.body),
            key: `mention:${comment.id}`,
          });
        } else if (event.type === "comment.created") {
          const { comment, threadId, newThread, suggestion } = event.data;
          commenters.add(comment.author);
          const about = this.about(threadId, comment.id, comment.author, comment.authorName, comment.body);
          const recipients = newThread
            ? suggestion
              ? await this.ownersOf(tenant, content)
              : []
            : this.participants(document, threadId).filter((person) => !comment.mentions.includes(person));
          const kind = newThread ? "suggestion" : "reply";
          for (const recipient of recipients) drafts.push({ recipient, kind, ...about, key: `${kind}:${comment.id}` });
        }
      }
      if (author !== undefined) commenters.add(author);
      await this.followByDefault(tenant, name, [...commenters]);
      await this.add(tenant, name, drafts);
    });
  }

  metaChanged(documentName: string, changes: readonly MetaChange[], document: Y.Doc, author: string | undefined): void {
    this.track(documentName, async () => {
      const { tenant, name } = unscopeName(documentName);
      const actorName = author === undefined ? undefined : (await this.store.person({ tenant, userId: author }))?.name;
      const actor = { ...(author ? { actor: author } : {}), ...(actorName ? { actorName } : {}) };
      const drafts: Draft[] = [];
      for (const { field, from, to } of changes) {
        if (field === "owner" && typeof to === "string" && to.trim() !== "") {
          const owners = await this.store.findPeople(tenant, to.trim().slice(0, 200));
          await this.store.followByDefault(tenant, name, owners);
          for (const recipient of owners) {
            drafts.push({ recipient, kind: "owner", ...actor, excerpt: excerptOf(to), key: `owner:${randomUUID()}` });
          }
        } else if (field === "status" && isSpecStatus(to)) {
          const followers = await this.store.followers(tenant, name);
          const owners = await this.ownersOf(tenant, documentName, document);
          const excerpt = `${isSpecStatus(from) ? from : "no status"} → ${to}`;
          for (const recipient of new Set([...owners, ...followers])) {
            drafts.push({ recipient, kind: "status", ...actor, excerpt, key: `status:${randomUUID()}` });
          }
        }
      }
      await this.add(tenant, name, drafts);
    });
  }

  edited(documentName: string, author: string | undefined): void {
    if (author === undefined) return;
    const { tenant, name } = unscopeName(documentName);
    // Checked here too, not only in followByDefault: this runs for every committed update, and the follow is nearly always known.
    if (this.follows(tenant, name, author)) return;
    this.track(documentName, () => this.followByDefault(tenant, name, [author]));
  }

  /** Forgets a deleted document's notifications and follows (`documentName` is the server's name). */
  deleted(documentName: string): void {
    const { tenant, name } = unscopeName(documentName);
    this.track(documentName, async () => this.signal.changed(tenant, await this.store.forgetDocument(tenant, name)));
  }

  /** Resolves once everything produced so far is stored (or failed to be): before the store closes. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled(this.pending);
  }

  private about(threadId: string, commentId: string, actor: string, actorName: string | null, body: string) {
    return { threadId, commentId, actor, ...(actorName ? { actorName } : {}), excerpt: excerptOf(body) };
  }

  /** Everyone who started or wrote in a thread, as the live comments document says now. */
  private participants(document: Y.Doc, threadId: string): string[] {
    const map = threadsOf(document).get(threadId);
    const thread = map === undefined ? undefined : readThread(map);
    if (thread === undefined) return [];
    return [...new Set([thread.createdBy, ...thread.comments.filter((c) => !c.deleted).map((c) => c.author)])];
  }

  /**
   * The people a document's owner names: from its live `meta` when the
   * document is here, else its mirrored metadata (`documentName` is the
   * server's name, with its tenant).
   */
  private async ownersOf(tenant: string, documentName: string, live?: Y.Doc): Promise<string[]> {
    const owner = live ? metaFieldsOf(metaOf(live)).owner : (await this.documents.stat(documentName))?.metadata.owner;
    return typeof owner === "string" && owner.trim() !== ""
      ? this.store.findPeople(tenant, owner.trim().slice(0, 200))
      : [];
  }

  /** Whether this process already made `userId` follow the document. */
  private follows(tenant: string, documentName: string, userId: string): boolean {
    return this.followed.has(JSON.stringify([tenant, documentName, userId]));
  }

  private async followByDefault(tenant: string, documentName: string, userIds: readonly string[]): Promise<void> {
    const fresh = userIds.filter((userId) => !this.follows(tenant, documentName, userId));
    if (fresh.length === 0) return;
    await this.store.followByDefault(tenant, documentName, fresh);
    if (this.followed.size > MAX_REMEMBERED_FOLLOWS) this.followed.clear();
    for (const userId of fresh) this.followed.add(JSON.stringify([tenant, documentName, userId]));
  }

  /**
   * Stores the drafts that tell someone else of something they may see, and
   * signals their inboxes. `documentName` is the name the tenant's clients know.
   */
  private async add(tenant: string, documentName: string, drafts: readonly Draft[]): Promise<void> {
    const kept: NewNotification[] = [];
    for (const draft of drafts) {
      if (draft.recipient === draft.actor) continue;
      // Access as the person's last token granted it.
      const person = await this.store.person({ tenant, userId: draft.recipient });
      if (!maySee(person?.access, documentName)) continue;
      kept.push({ ...draft, tenant, document: documentName });
    }
    const added = await this.store.add(kept, this.digestDelayMs);
    this.signal.changed(tenant, [...new Set(added.map((notification) => notification.recipient))]);
  }

  private track(documentName: string, work: () => Promise<void>): void {
    const running = work().catch((error: unknown) => {
      this.metrics.errors.inc({ code: "notification-failed" });
      this.logger.error({ err: error, document: documentName }, "could not produce notifications");
    });
    this.pending.add(running);
    void running.finally(() => this.pending.delete(running));
  }
}
