import type { Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import {
  type AcceptedSuggestion,
  type ChangeMatch,
  DocumentFields,
  isPersonColor,
  matchAcceptedChange,
  peopleOf,
} from "@tandem/protocol";
import * as Y from "yjs";
import { nestingProblem } from "../documents/nesting.js";
import type { DurableLog } from "../extensions/durable-log.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { changeLive, type LiveChange } from "./live-edit.js";

/**
 * How long a change that builds on content the document lacks waits for it.
 * The acceptor's client sent that content (what they typed just before
 * accepting) on its content connection, whose messages the server handles
 * apart from the comments connection's, so it usually arrives within
 * milliseconds; meanwhile the acceptor's comments connection waits.
 */
const WAIT_FOR_CONTENT_MS = 10_000;

/** What {@link makeAcceptedChanges} needs of the server. */
export interface AcceptedChangesContext {
  readonly hocuspocus: Hocuspocus;
  readonly store: DocumentStore;
  readonly durable: DurableLog;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/**
 * Makes the changes of the suggestions a comments update accepts, on the
 * live content document `contentName`, before the decision itself is
 * applied (see docs/suggestions.md, "Attribution"):
 *
 * - a change the matching rule finds to be exactly the proposal
 *   (`matchAcceptedChange`) is stored as the suggester's, accepted by
 *   `acceptor`;
 * - any other change is stored as the acceptor's own edit, as if their
 *   client had sent it (they may write the content: the decision passed the
 *   comments check); its nesting is checked as any content update's is, and
 *   one that fails it is dropped;
 * - a change that builds on content the document lacks waits for it (up to
 *   {@link WAIT_FOR_CONTENT_MS}), then is matched; one the content holds
 *   already, or still cannot apply, is left to the acceptor's own sync,
 *   which carries it as their edit.
 *
 * A suggester credited so is recorded among the document's authors, with
 * the name and colour of their `people` entry in the comments document (the
 * comments check holds their name to their token's): a commenter never
 * connects to write the content, so nothing else would name them in history.
 *
 * A failure is logged and counted; the decision goes ahead either way, since
 * the acceptor's client holds the change and sends it again on reconnecting.
 */
export async function makeAcceptedChanges(
  context: AcceptedChangesContext,
  contentName: string,
  acceptor: string,
  accepted: readonly AcceptedSuggestion[],
): Promise<void> {
  for (const acceptance of accepted) {
    if (acceptance.change === undefined) continue;
    let outcome: ChangeMatch | "refused";
    try {
      outcome = await makeOne(context, contentName, acceptor, acceptance, acceptance.change);
      if (outcome === "waiting") {
        context.metrics.acceptedChangesWaiting.inc();
        await untilApplicable(context.hocuspocus, contentName, acceptance.change).finally(() =>
          context.metrics.acceptedChangesWaiting.dec(),
        );
        outcome = await makeOne(context, contentName, acceptor, acceptance, acceptance.change);
      }
    } catch (error) {
      context.metrics.errors.inc({ code: "accepted-change-failed" });
      context.logger.error(
        { err: error, document: contentName, thread: acceptance.threadId },
        "could not make an accepted suggestion's change; its acceptor's client sends it again",
      );
      continue;
    }
    if (outcome === "matched") {
      await recordSuggester(context, contentName, acceptance);
    } else {
      context.logger.warn(
        { document: contentName, thread: acceptance.threadId, acceptor, outcome },
        "an accepted suggestion's change is not its proposal: not credited to the suggester",
      );
    }
  }
}

/** Matches one change against the live content and makes it (or not) accordingly; resolves with the match. */
async function makeOne(
  context: AcceptedChangesContext,
  contentName: string,
  acceptor: string,
  { thread, suggester }: AcceptedSuggestion,
  update: Uint8Array,
): Promise<ChangeMatch | "refused"> {
  // Set by the callback, which runs before changeLive resolves.
  const found: { outcome: ChangeMatch | "refused" } = { outcome: "mismatch" };
  await changeLive(context.hocuspocus, context.durable, contentName, (live) => {
    const outcome = matchAcceptedChange(live.getXmlFragment(DocumentFields.content), thread, update);
    const made = liveChange(outcome, update, suggester, acceptor, live);
    found.outcome = made === "refused" ? made : outcome;
    return made === "refused" ? undefined : made;
  });
  return found.outcome;
}

function liveChange(
  outcome: ChangeMatch,
  update: Uint8Array,
  suggester: string,
  acceptor: string,
  live: Y.Doc,
): LiveChange | "refused" | undefined {
  switch (outcome) {
    case "matched":
      return { update, credit: { author: suggester, acceptedBy: acceptor } };
    case "mismatch":
      return nestingProblem(Y.decodeUpdate(update), live) === null
        ? { update, credit: { author: acceptor } }
        : "refused";
    default:
      return undefined;
  }
}

/**
 * Resolves once the live content holds everything `update` builds on, or
 * after {@link WAIT_FOR_CONTENT_MS}: checked on each change of the document,
 * which is kept loaded meanwhile.
 */
async function untilApplicable(hocuspocus: Hocuspocus, contentName: string, update: Uint8Array): Promise<void> {
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
function isApplicable(doc: Y.Doc, update: Uint8Array): boolean {
  const has = (id: Y.ID | null) => id === null || id.clock < Y.getState(doc.store, id.client);
  const { structs, ds } = Y.decodeUpdate(update);
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

async function recordSuggester(
  context: AcceptedChangesContext,
  contentName: string,
  { suggester, thread }: AcceptedSuggestion,
): Promise<void> {
  const person = thread.doc ? peopleOf(thread.doc).get(suggester) : undefined;
  if (!person || typeof person.name !== "string" || !isPersonColor(person.color)) return;
  try {
    await context.store.recordAuthor(contentName, { id: suggester, name: person.name, color: person.color });
  } catch (error) {
    context.metrics.errors.inc({ code: "author-record-failed" });
    context.logger.error({ err: error, document: contentName, user: suggester }, "could not record an author");
  }
}
