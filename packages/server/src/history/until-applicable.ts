import type { Hocuspocus } from "@hocuspocus/server";
import * as Y from "yjs";

/**
 * How long a change that builds on content the document lacks waits for it.
 * The acceptor's client sent that content (what they typed just before
 * accepting) on its content connection, whose messages the server handles
 * apart from the comments connection's, so it usually arrives within
 * milliseconds; meanwhile the acceptor's comments connection waits.
 */
const WAIT_FOR_CONTENT_MS = 10_000;

/**
 * Resolves once the live content holds everything `update` builds on, or
 * after {@link WAIT_FOR_CONTENT_MS}: checked on each change of the document,
 * which is kept loaded meanwhile.
 */
export async function untilApplicable(hocuspocus: Hocuspocus, contentName: string, update: Uint8Array): Promise<void> {
  const connection = await hocuspocus.openDirectConnection(contentName, {});
  try {
    const live = connection.document;
    if (live === null) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        live.off("update", check);
        resolve();
      };
      const check = () => {
        if (isApplicable(live, update)) done();
      };
      // Unreferenced: a server shutting down does not wait for it.
      const timer = setTimeout(done, WAIT_FOR_CONTENT_MS).unref();
      live.on("update", check);
      check();
    });
  } finally {
    await connection.disconnect();
  }
}

// Whether `doc` has every item `update` refers to: no struct of it would wait.
// It runs in the document's update events, so it never throws: bytes that do
// not decode count as applicable, and the match then finds them malformed.
function isApplicable(doc: Y.Doc, update: Uint8Array): boolean {
  const has = (id: Y.ID | null) => id === null || id.clock < Y.getState(doc.store, id.client);
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return true;
  }
  const { structs, ds } = decoded;
  const own = new Set(structs.map((struct) => struct.id.client));
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const id of [struct.origin, struct.rightOrigin, parent])
      if (id && !own.has(id.client) && !has(id)) return false;
  }
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) if (!own.has(client) && !has({ client, clock: clock + len - 1 })) return false;
  }
  return true;
}
