import type { Hocuspocus } from "@hocuspocus/server";
import * as Y from "yjs";
import type { AuthoredEditContext, DurableLog } from "../extensions/durable-log.js";

/**
 * Makes one edit on a live document for `author`, for history (a restore, a
 * revert), whether or not anyone has the document open, the way a client's
 * edit is made:
 *
 * 1. `edit` is worked out and made on a copy of the live document, in one
 *    transaction, under a Yjs client id of its own (an edit that throws
 *    halfway leaves the live document untouched);
 * 2. the resulting update is applied to the live document through a
 *    Hocuspocus direct connection, so it is broadcast to every client at
 *    once, and the durable log appends it with `author` (see
 *    {@link AuthoredEditContext}); Redis relays it to other instances once
 *    it is committed;
 * 3. it resolves once the update, and everything the document held before
 *    it, is committed (acknowledged means durable, here too), or rejects if
 *    the append failed and the document was reset.
 *
 * Nothing can come between 1 and 2: both run in one turn of the event loop.
 * Resolves with whether there was anything to change.
 */
export async function editLive(
  hocuspocus: Hocuspocus,
  durable: DurableLog,
  name: string,
  author: string,
  edit: (copy: Y.Doc) => void,
): Promise<boolean> {
  const context: AuthoredEditContext = { author };
  const connection = await hocuspocus.openDirectConnection(name, context);
  try {
    const live = connection.document;
    if (live === null) throw new Error(`the direct connection to ${name} closed at once`);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(live));
    let update: Uint8Array | undefined;
    copy.on("update", (change: Uint8Array) => {
      update = change;
    });
    copy.transact(() => edit(copy));
    copy.destroy();
    if (update === undefined) return false;
    const made = update;
    await connection.transact((document) => Y.applyUpdate(document, made));
    await durable.committed(live);
    return true;
  } finally {
    await connection.disconnect();
  }
}
