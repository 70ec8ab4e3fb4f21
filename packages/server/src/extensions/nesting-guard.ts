import type { Extension } from "@hocuspocus/server";
import * as Y from "yjs";
import { nestingProblem } from "../documents/nesting.js";
import { TandemServerError } from "../errors.js";
import type { Metrics } from "../metrics.js";
import { type ConnectionContext, frameOf } from "../protocol/socket-session.js";

/**
 * Refuses updates that would nest shared types or values deeper than
 * `MAX_NESTING_DEPTH` (see documents/nesting.ts), before anything is stored
 * or applied. It runs in `beforeHandleMessage`, where the connection's
 * earlier updates have been applied (Hocuspocus handles one connection's
 * messages one at a time), with a priority above the durable log's; updates
 * that create shared types are never stored early at the socket, so nothing
 * of a refused update reaches the store.
 *
 * The connection is closed with 4400: the deep structure stays in the
 * client's document and would come back with its next sync, so retrying
 * cannot help. Read-only connections skip it (nothing of theirs is applied),
 * and so do updates relayed through Redis (their own instance checked them).
 */
export function nestingGuard(metrics: Metrics): Extension {
  return {
    extensionName: "tandem-nesting-guard",
    priority: 200,

    async beforeHandleMessage({ update: bytes, connection, document, documentName, context }) {
      const frame = frameOf(bytes);
      if (frame?.update === undefined || connection.readOnly) return;
      const problem = nestingProblem(frame.decoded ?? Y.decodeUpdate(frame.update), document);
      if (problem === null) return;
      const { session } = context as ConnectionContext;
      metrics.errors.inc({ code: "nesting-refused" });
      session.logger.warn(
        { document: documentName, reason: problem },
        "update refused: closing the connection; nothing was stored or applied",
      );
      session.close("MalformedMessage");
      // Rethrown so that the durable log and Hocuspocus skip the message.
      throw new TandemServerError("invalid-update", `update refused: ${problem}`);
    },
  };
}
