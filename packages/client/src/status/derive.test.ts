import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../provider/connection.js";
import type { DocumentState } from "../provider/document.js";
import { deriveStatus } from "./derive.js";

const connected: ConnectionState = { phase: "connected", lastClose: null, retryAt: null, attempt: 0 };
const editor: DocumentState = {
  contentAccess: "read-write",
  commentsAccess: "read-write",
  synced: true,
  unsyncedChanges: 0,
  keptOnDevice: false,
  deniedReason: null,
  deleted: false,
};

describe("deriveStatus", () => {
  it.each([
    ["saved", connected, editor, "All changes saved"],
    ["saving", connected, { ...editor, unsyncedChanges: 3 }, "3 changes waiting"],
    ["connecting", connected, { ...editor, synced: false, unsyncedChanges: 1 }, "Syncing…"],
    ["connecting", { ...connected, phase: "connecting" }, editor, "Connecting…"],
    [
      "offline",
      { ...connected, phase: "waiting", retryAt: 5 },
      { ...editor, unsyncedChanges: 1 },
      "Offline – 1 change waiting",
    ],
    [
      "offline",
      { ...connected, phase: "offline" },
      { ...editor, unsyncedChanges: 31, keptOnDevice: true },
      "Offline – 31 changes waiting, kept on this device",
    ],
    ["offline", { ...connected, phase: "offline" }, { ...editor, keptOnDevice: true }, "Offline"],
    [
      "unauthorized",
      { ...connected, phase: "unauthorized", lastClose: { code: 4401, reason: "unauthorized" } },
      editor,
      "Session expired – sign in again",
    ],
    [
      "forbidden",
      { ...connected, phase: "stopped", lastClose: { code: 4403, reason: "forbidden" } },
      { ...editor, unsyncedChanges: 1 },
      "Disconnected: the server refused a change (only a comment's author may edit or delete it) – 1 change waiting",
    ],
    [
      "error",
      { ...connected, phase: "stopped", lastClose: { code: 4413, reason: "message-too-large" } },
      editor,
      "Disconnected: a change was too large to send",
    ],
    [
      "forbidden",
      connected,
      { ...editor, contentAccess: "denied", deniedReason: "permission-denied" },
      "No access: permission-denied",
    ],
    [
      "deleted",
      connected,
      { ...editor, contentAccess: "denied", deniedReason: "document-deleted", deleted: true },
      "This document was deleted",
    ],
    ["connected", connected, null, "Connected"],
  ] as const)("%s: %s", (kind, connection, document, label) => {
    expect(deriveStatus(connection as ConnectionState, document)).toMatchObject({ kind, label });
  });

  it("says when the user can only read", () => {
    expect(deriveStatus(connected, { ...editor, contentAccess: "read-only" }).readOnly).toBe(true);
    expect(deriveStatus(connected, editor).readOnly).toBe(false);
  });
});
