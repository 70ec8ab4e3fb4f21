import type { Extension } from "@hocuspocus/server";
import { type DocumentStore, isPersistenceError } from "@tandem/persistence";
import { parseDocumentName } from "@tandem/protocol";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { ConnectionContext } from "../protocol/socket-session.js";

/** When automatic versions are made; see docs/history.md. */
export interface AutoVersionSettings {
  /** Edits must have gone on this long since the last version… */
  readonly versionAfterMs: number;
  /** …and then stopped for this long. */
  readonly versionPauseMs: number;
}

interface Activity {
  /** The first edit seen since the last version. */
  readonly since: number;
  timer: NodeJS.Timeout | undefined;
}

/** Whether a change came from another instance through Redis: that instance watches its own clients' edits. */
function relayed(origin: unknown): boolean {
  return (origin as { source?: unknown } | null)?.source === "redis";
}

/**
 * The server side of history that follows documents as they are edited:
 *
 * - records how each person who connects to write is shown (name and
 *   colour, from their token), so history can name the authors of edits;
 * - makes automatic versions: once a document has been edited for
 *   `versionAfterMs` and then left alone for `versionPauseMs`, and when its
 *   last person leaves after editing. The store skips a version when nothing
 *   changed since the latest one.
 *
 * Neither may fail an edit: a failure is logged and counted (`author-record-failed`,
 * `auto-version-failed`), and the next connection or burst tries again.
 */
export function historyExtension(
  store: DocumentStore,
  settings: AutoVersionSettings,
  metrics: Metrics,
  logger: Logger,
): Extension {
  const activity = new Map<string, Activity>();
  // Profiles recorded by this process, per loaded document: a person reconnecting (or opening a
  // second tab) costs no query. Forgotten when the document unloads.
  const recorded = new Map<string, Map<string, string>>();

  async function makeVersion(documentName: string, why: string): Promise<void> {
    clearTimeout(activity.get(documentName)?.timer);
    activity.delete(documentName);
    try {
      const version = await store.createVersion(documentName, { kind: "auto", skipIfUnchanged: true });
      logger.debug({ document: documentName, version: version.id, why }, "automatic version");
    } catch (error) {
      // A server shutting down closes the store under a version it was making; the state is stored either way.
      if (isPersistenceError(error, "closed")) return;
      metrics.errors.inc({ code: "auto-version-failed" });
      logger.error({ err: error, document: documentName }, "could not make an automatic version");
    }
  }

  function edited(documentName: string): void {
    const now = Date.now();
    const entry = activity.get(documentName) ?? { since: now, timer: undefined };
    activity.set(documentName, entry);
    // Restarting the pending timer, not a new timer per change: a fast writer changes a document thousands of times a second.
    if (entry.timer !== undefined) {
      entry.timer.refresh();
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      // A burst too short for a version keeps counting from its start; the next one may complete it.
      if (Date.now() - entry.since >= settings.versionAfterMs) void makeVersion(documentName, "settled");
    }, settings.versionPauseMs);
    // A document nobody edits must not keep the process alive.
    entry.timer.unref();
  }

  return {
    extensionName: "tandem-history",

    async connected({ documentName, context, connection }) {
      const { identity } = context as Partial<ConnectionContext>;
      if (connection.readOnly || identity === undefined || parseDocumentName(documentName).isComments) return;
      const profile = `${identity.name}\n${identity.color}`;
      const known = recorded.get(documentName) ?? new Map<string, string>();
      if (known.get(identity.id) === profile) return;
      try {
        await store.recordAuthor(documentName, { id: identity.id, name: identity.name, color: identity.color });
        known.set(identity.id, profile);
        recorded.set(documentName, known);
      } catch (error) {
        metrics.errors.inc({ code: "author-record-failed" });
        logger.error({ err: error, document: documentName, user: identity.id }, "could not record an author");
      }
    },

    async onChange({ documentName, transactionOrigin }) {
      if (relayed(transactionOrigin) || parseDocumentName(documentName).isComments) return;
      edited(documentName);
    },

    async afterUnloadDocument({ documentName }) {
      recorded.delete(documentName);
      if (activity.has(documentName)) await makeVersion(documentName, "everyone left");
    },

    async onDestroy() {
      for (const entry of activity.values()) clearTimeout(entry.timer);
      activity.clear();
      recorded.clear();
    },
  };
}
