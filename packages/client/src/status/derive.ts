import { CloseCodes } from "@tandem/protocol";
import type { ConnectionState } from "../provider/connection.js";
import type { DocumentState, SyncState } from "../provider/document.js";

/**
 * What to tell the user about saving:
 * - `connecting`: not yet (or no longer) in sync, trying;
 * - `connected`: connected, no document in view;
 * - `saved`: every change is stored on the server;
 * - `saving`: connected, some changes not yet acknowledged ("N changes waiting");
 * - `offline`: disconnected (the browser has no network, or a reconnect is
 *   scheduled); changes made now are kept, on this device where the kit keeps
 *   documents in IndexedDB, and sent when the connection is back;
 * - `unauthorized`: the session expired and no new token came;
 * - `forbidden`: the server refused access to the document, or closed the
 *   connection for a change the user may not make (someone else's comment);
 * - `deleted`: the document was deleted (close reason `document-deleted`,
 *   4410); it is not reconnected;
 * - `error`: the server closed the connection for good (the label says why).
 */
export type StatusKind =
  | "connecting"
  | "connected"
  | "saved"
  | "saving"
  | "offline"
  | "unauthorized"
  | "forbidden"
  | "deleted"
  | "error";

/** The status of a connection, or of one document on it. */
export interface ConnectionStatusValue {
  readonly kind: StatusKind;
  /** A short sentence for people: "All changes saved", "3 changes waiting", "Offline". */
  readonly label: string;
  /** Changes the server has not acknowledged yet. */
  readonly unsyncedChanges: number;
  /** Whether waiting changes are kept on this device (IndexedDB) and survive a reload. */
  readonly keptOnDevice: boolean;
  /** When offline: the time (ms since the epoch) of the next reconnect attempt; `null` while the browser has no network. */
  readonly retryAt: number | null;
  /** The close code behind `offline`, `unauthorized`, `forbidden`, `deleted` and `error`. */
  readonly closeCode: number | null;
  /** Whether the user can only read the document (a viewer, or a commenter on the text). */
  readonly readOnly: boolean;
}

const changes = (count: number) => (count === 1 ? "1 change" : `${count} changes`);

const reasons: Record<string, string> = {
  "malformed-message": "the server could not read a message",
  "message-too-large": "a change was too large to send",
  // The server closes with 4403 for one kind of change: one its comments check refuses.
  forbidden: "the server refused a change (only a comment's author may edit or delete it)",
};

/**
 * Derives the status to show from the socket's state and, optionally, one
 * document's (or the sum of several documents') sync state. Without one,
 * a connected socket is just `connected`.
 */
export function deriveStatus(
  connection: ConnectionState,
  document?: (SyncState & Partial<DocumentState>) | null,
): ConnectionStatusValue {
  const unsyncedChanges = document?.unsyncedChanges ?? 0;
  const keptOnDevice = document?.keptOnDevice ?? false;
  const base = {
    unsyncedChanges,
    keptOnDevice,
    retryAt: null,
    closeCode: connection.lastClose?.code ?? null,
    readOnly: document?.contentAccess !== undefined && document.contentAccess !== "read-write",
  };
  // Said whenever the connection is down: the changes are safe here, and say where.
  const waiting =
    unsyncedChanges > 0 ? ` – ${changes(unsyncedChanges)} waiting${keptOnDevice ? ", kept on this device" : ""}` : "";
  if (connection.phase === "stopped") {
    const reason = connection.lastClose?.reason ?? "";
    const kind = reason === "forbidden" ? "forbidden" : "error";
    return { ...base, kind, label: `Disconnected: ${reasons[reason] ?? reason}${waiting}` };
  }
  if (connection.phase === "unauthorized") {
    return { ...base, kind: "unauthorized", label: `Session expired – sign in again${waiting}` };
  }
  if (document?.deleted === true) {
    return { ...base, kind: "deleted", label: "This document was deleted", closeCode: CloseCodes.DocumentDeleted.code };
  }
  if (document?.contentAccess === "denied") {
    return {
      ...base,
      kind: "forbidden",
      label: document.deniedReason ? `No access: ${document.deniedReason}` : "No access",
    };
  }
  if (connection.phase === "waiting" || connection.phase === "offline") {
    return { ...base, kind: "offline", label: `Offline${waiting}`, retryAt: connection.retryAt };
  }
  if (connection.phase !== "connected") {
    return { ...base, kind: "connecting", label: unsyncedChanges > 1 ? `Reconnecting${waiting}` : "Connecting…" };
  }
  if (!document) return { ...base, kind: "connected", label: "Connected" };
  if (!document.synced) return { ...base, kind: "connecting", label: "Syncing…" };
  if (unsyncedChanges > 0) return { ...base, kind: "saving", label: `${changes(unsyncedChanges)} waiting` };
  return { ...base, kind: "saved", label: "All changes saved" };
}
