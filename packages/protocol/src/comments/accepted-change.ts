/**
 * The change an accepted suggestion made, and the server's rule for crediting
 * it to the suggester. Accepting records, with the decision, the change as a
 * Yjs update (`change`, see `acceptSuggestion`); the server makes it and
 * stores it as the suggester's writing, accepted by the acceptor, only when
 * {@link matchAcceptedChange} says it is exactly the proposal. See
 * docs/suggestions.md ("Attribution") for why that is safe.
 */
import * as Y from "yjs";
import { DocumentFields } from "../documents.js";
import { applyProposal, copyOfDoc, rootName } from "./apply-proposal.js";
import { readThread, ThreadFields } from "./model.js";
import { locateThread, readSuggestion } from "./suggestions.js";

/** How an accepted change relates to the content it is to be applied to. */
export type ChangeMatch =
  /** It makes exactly what the proposal makes there now: it is the suggester's, accepted by the acceptor. */
  | "matched"
  /** It makes something else (the text changed meanwhile, or it was forged): at most the acceptor's own edit. */
  | "mismatch"
  /** The content holds it already (it came another way): nothing to make. */
  | "integrated"
  /** It builds on content the document does not have yet. */
  | "waiting"
  /** It is not a Yjs update. */
  | "malformed";

/** An accepted thread's change, as the decision recorded it; `undefined` without one. */
export function readAcceptedChange(thread: Y.Map<unknown>): Uint8Array | undefined {
  const change = thread.get(ThreadFields.change);
  return change instanceof Uint8Array ? change : undefined;
}

/**
 * The matching rule: applied to a copy of the content as it is now, `change`
 * must give the very document that the thread's proposal gives when made by
 * the server itself on another copy, at the thread's anchor, which must
 * still hold its quote. The documents are compared by what they hold (the
 * body with its marks and attributes, the title, the metadata, and which
 * roots exist), not by Yjs ids, which differ.
 *
 * A change that does anything else (more text, other text, another place,
 * another root) does not match; nor does any change once the quoted text has
 * changed. `content` is the live document's body; nothing is written to it.
 */
export function matchAcceptedChange(content: Y.XmlFragment, thread: Y.Map<unknown>, change: Uint8Array): ChangeMatch {
  const doc = content.doc;
  const name = doc ? rootName(doc, content) : undefined;
  const data = readThread(thread);
  const proposal = readSuggestion(thread)?.proposal;
  if (!doc || name === undefined || !data || !proposal) return "mismatch";
  const made = copyOfDoc(doc);
  const expected = copyOfDoc(doc);
  try {
    let changed = false;
    made.on("update", () => {
      changed = true;
    });
    try {
      Y.applyUpdate(made, change);
    } catch {
      return "malformed";
    }
    if (made.store.pendingStructs !== null || made.store.pendingDs !== null) return "waiting";
    if (!changed) return "integrated";
    const located = locateThread(data, expected.getXmlFragment(name));
    if (!located.ok || !applyProposal(located.index, located.range, proposal)) return "mismatch";
    const rendered = render(made, name);
    return rendered !== undefined && rendered === render(expected, name) ? "matched" : "mismatch";
  } finally {
    made.destroy();
    expected.destroy();
  }
}

const KNOWN_ROOTS: ReadonlySet<string> = new Set(Object.values(DocumentFields));

// What a content document holds, for comparison; undefined when it has a root
// the rendering cannot read, which then never matches.
function render(doc: Y.Doc, body: string): string | undefined {
  const roots = [...doc.share.keys()].sort();
  if (roots.some((root) => root !== body && !KNOWN_ROOTS.has(root))) return undefined;
  return JSON.stringify([
    roots,
    doc.getXmlFragment(body).toString(),
    doc.getText(DocumentFields.title).toString(),
    doc.getMap(DocumentFields.meta).toJSON(),
  ]);
}
