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
import { untilApplicable } from "./until-applicable.js";

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
 * - a change that builds on content the document lacks waits for it, for a
 *   while ({@link untilApplicable}), then is matched; one the content holds
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
