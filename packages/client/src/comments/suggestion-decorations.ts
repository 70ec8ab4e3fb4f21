import type { Proposal } from "@tandem/protocol";
import { Decoration } from "@tiptap/pm/view";
import { timeAgo } from "./format.js";
import type { Thread } from "./store.js";

/** A sentence saying what a suggestion proposes, for titles and sidebar cards. */
export function describeProposal(proposal: Proposal, quote: string): string {
  switch (proposal.kind) {
    case "insert":
      return `Add “${proposal.text}”`;
    case "delete":
      return `Delete “${quote}”`;
    case "replace":
      return `Replace “${quote}” with “${proposal.text}”`;
    case "format":
      return `${proposal.add ? "Format" : "Remove"} ${proposal.mark} ${proposal.add ? "on" : "from"} “${quote}”`;
  }
}

function insertedText(thread: Thread, text: string, attributes: Record<string, string>, active: boolean) {
  return () => {
    const element = document.createElement("span");
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.className = active ? "tandem-suggestion is-insert is-active" : "tandem-suggestion is-insert";
    element.dataset.testid = "suggestion-insert";
    element.textContent = text;
    // Not part of the text: the caret cannot go into it, and the text cannot be selected as if it were there.
    element.contentEditable = "false";
    element.dataset.threadId = thread.id;
    return element;
  };
}

/**
 * The inline marks of a pending suggestion at editor positions `from`–`to`
 * (equal for an insertion): proposed text as a widget in the suggester's
 * colour, text to delete struck through, text to reformat underlined, each
 * titled with who proposed it, when, and what.
 */
export function suggestionDecorations(thread: Thread, from: number, to: number, active: boolean): Decoration[] {
  const suggestion = thread.suggestion;
  if (suggestion?.status !== "pending") return [];
  const { proposal } = suggestion;
  const attributes = {
    title: `${thread.createdBy.name}, ${timeAgo(thread.createdAt)}: ${describeProposal(proposal, thread.quote)}`,
    // A person's colour is a validated #rrggbb (protocol isPersonColor), safe in a style attribute.
    style: `--tandem-suggestion-color: ${thread.createdBy.color}`,
    "data-thread-id": thread.id,
    "data-author-id": thread.createdBy.id,
  };
  const spec = { threadId: thread.id };
  const activeClass = active ? " is-active" : "";
  const decorations: Decoration[] = [];
  if (proposal.kind === "delete" || proposal.kind === "replace") {
    decorations.push(
      Decoration.inline(
        from,
        to,
        { ...attributes, class: `tandem-suggestion is-delete${activeClass}`, "data-testid": "suggestion-delete" },
        spec,
      ),
    );
  }
  if (proposal.kind === "format" && from < to) {
    decorations.push(
      Decoration.inline(
        from,
        to,
        { ...attributes, class: `tandem-suggestion is-format${activeClass}`, "data-testid": "suggestion-format" },
        spec,
      ),
    );
  }
  if (proposal.kind === "insert" || proposal.kind === "replace") {
    // Before the caret at this point, so that what the suggester types appears in front of it.
    decorations.push(
      Decoration.widget(to, insertedText(thread, proposal.text, attributes, active), {
        ...spec,
        side: -1,
        key: `${thread.id}:${active}:${proposal.text}`,
      }),
    );
  }
  return decorations;
}
