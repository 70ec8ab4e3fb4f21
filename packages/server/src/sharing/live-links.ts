import type { Document, Extension, Hocuspocus } from "@hocuspocus/server";
import { CloseCodes, commentsDocumentName, parseDocumentName } from "@tandem/protocol";
import type { Identity } from "../auth/identity.js";
import { shareLinkBehind } from "../auth/shared-access.js";
import type { Logger } from "../logger.js";
import type { ConnectionContext } from "../protocol/socket-session.js";
import { type RevocationRelay, revocationRelay } from "./revocation-relay.js";

/** A link that stopped working: its id and the document it opened. */
export interface EndedLink {
  readonly linkId: string;
  readonly document: string;
}

/** Per document, as for a deleted document: the socket's other documents go on. */
const closeEvent = { code: CloseCodes.Forbidden.code, reason: CloseCodes.Forbidden.reason };

/** The longest delay setTimeout takes; a longer one fires at once. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Ends, on this instance, the connections a share link opened, the moment the
 * link stops working: revoked (here, or on another instance and relayed over
 * Redis, see `revocationRelay`) or expired (a timer per link).
 *
 * A connection is closed when the link raised its role above the token's
 * (`shareLinkBehind`), with the Forbidden entry's reason, for that document
 * alone (Hocuspocus's per-document close carries a reason, not a code).
 * A connection whose token grants as much keeps going. Both halves of a
 * document, its content and its `#comments`, are closed.
 */
export class LiveShareLinks {
  private readonly expiries = new Map<string, NodeJS.Timeout>();
  private readonly relay: RevocationRelay | undefined;

  /** Watches the expiry of the links behind each connection, and lets go of timers and Redis on shutdown. */
  readonly extension: Extension = {
    extensionName: "tandem-share-links",
    connected: async ({ context, documentName }) => {
      const { identity } = context as ConnectionContext;
      if (identity !== undefined) this.watch(identity, documentName);
    },
    onDestroy: async () => {
      for (const timer of this.expiries.values()) clearTimeout(timer);
      this.expiries.clear();
      this.relay?.close();
    },
  };

  /** With `redis`, revocations reach every instance on it (see {@link revocationRelay}). */
  constructor(
    private readonly hocuspocus: () => Hocuspocus | undefined,
    private readonly logger: Logger,
    redis?: { readonly url: string; readonly prefix: string },
  ) {
    this.relay = redis && revocationRelay(redis.url, redis.prefix, logger, (ended) => this.end(ended));
  }

  /** A link was revoked: its connections end here and, through Redis, on every other instance. */
  revoked(ended: EndedLink): void {
    this.end(ended);
    this.relay?.publish(ended);
  }

  /** Closes the connections `ended` opened on this instance; returns how many. */
  private end(ended: EndedLink): number {
    const instance = this.hocuspocus();
    let closed = 0;
    for (const name of [ended.document, commentsDocumentName(ended.document)]) {
      closed += closeOpenedBy(instance?.documents.get(name), name, ended.linkId);
    }
    if (closed > 0) this.logger.info({ link: ended.linkId, document: ended.document, closed }, "share link ended");
    return closed;
  }

  /**
   * Called once `identity` is authenticated on `documentName`: when a link
   * with an expiry raised its role, its connections are ended when it expires.
   */
  private watch(identity: Identity, documentName: string): void {
    const shared = shareLinkBehind(identity, documentName);
    if (shared?.expiresAt === undefined || this.expiries.has(shared.linkId)) return;
    const ended = { linkId: shared.linkId, document: parseDocumentName(documentName).content };
    const expiresAt = shared.expiresAt;
    const arm = () => {
      const timer = setTimeout(
        () => {
          // Longer than a timer holds (~24.8 days), or a timer firing a millisecond early: wait on.
          if (Date.now() < expiresAt) return arm();
          this.expiries.delete(ended.linkId);
          this.end(ended);
        },
        Math.max(0, Math.min(expiresAt - Date.now(), MAX_TIMER_DELAY_MS)),
      );
      timer.unref();
      this.expiries.set(ended.linkId, timer);
    };
    arm();
  }
}

function closeOpenedBy(document: Document | undefined, name: string, linkId: string): number {
  let closed = 0;
  for (const connection of document?.getConnections() ?? []) {
    const { identity } = connection.context as ConnectionContext;
    if (identity === undefined || shareLinkBehind(identity, name)?.linkId !== linkId) continue;
    connection.close(closeEvent);
    closed++;
  }
  return closed;
}
