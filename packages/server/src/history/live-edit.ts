import type { Hocuspocus } from "@hocuspocus/server";
import * as Y from "yjs";
import type { AuthoredEditContext, DurableLog } from "../extensions/durable-log.js";

/** An update to make on a live document, and who it is credited to. */
export interface LiveChange {
  readonly update: Uint8Array;
  readonly credit: AuthoredEditContext;
}

/**
 * Makes one edit on a live document for `author`, for history (a restore, a
 * revert), whether or not anyone has the document open, the way a client's
 * edit is made: `edit` is worked out and made on a copy of the live
 * document, in one transaction, under a Yjs client id of its own (an edit
 * that throws halfway leaves the live document untouched), then applied as
 * {@link changeLive} says. Resolves with whether there was anything to change.
 */
export async function editLive(
  hocuspocus: Hocuspocus,
  durable: DurableLog,
  name: string,
  author: string,
  edit: (copy: Y.Doc) => void,
): Promise<boolean> {
  return changeLive(hocuspocus, durable, name, (live) => {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(live));
    let update: Uint8Array | undefined;
    copy.on("update", (change: Uint8Array) => {
      update = change;
    });
    copy.transact(() => edit(copy));
    copy.destroy();
    return update && { update, credit: { author } };
  });
}

/**
 * Applies the update `make` works out from a live document (or none), the
 * way a client's edit is applied:
 *
 * 1. through a Hocuspocus direct connection, so it is broadcast to every
 *    client at once, and the durable log appends it with its credit (see
 *    {@link AuthoredEditContext}); Redis relays it to other instances once
 *    it is committed;
 * 2. it resolves once the update, and everything the document held before
 *    it, is committed (acknowledged means durable, here too), or rejects if
 *    the append failed and the document was reset.
 *
 * Nothing can come between `make` and the update: both run in one turn of
 * the event loop. Resolves with whether there was anything to apply.
 */
export async function changeLive(
  hocuspocus: Hocuspocus,
  durable: DurableLog,
  name: string,
  make: (live: Y.Doc) => LiveChange | undefined,
): Promise<boolean> {
  // Filled in once `make` has said who the change is credited to; the durable log reads it as the update integrates.
  const context: { author?: string; acceptedBy?: string } = {};
  const connection = await hocuspocus.openDirectConnection(name, context);
  try {
    const live = connection.document;
    if (live === null) throw new Error(`the direct connection to ${name} closed at once`);
    const made = make(live);
    if (made === undefined) return false;
    Object.assign(context, made.credit);
    await connection.transact((document) => Y.applyUpdate(document, made.update));
    await durable.committed(live);
    return true;
  } finally {
    await connection.disconnect();
  }
}
