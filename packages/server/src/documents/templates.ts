import { type DocumentKind, PLACEHOLDER_ATTRIBUTE } from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import { newDocumentUpdate } from "./new-document.js";

/**
 * Templates for new documents, as ProseMirror JSON of the document schema
 * (`@tandem/content`), written into the Y.Doc by y-tiptap like any body.
 *
 * What goes in a section is a placeholder, not text: an empty paragraph
 * whose {@link PLACEHOLDER_ATTRIBUTE} the client kit shows greyed until
 * someone types there. (The first templates wrote the hints as italic text,
 * which people had to delete, and whatever they typed after a hint came out
 * italic; documents created then keep that text.)
 */

const text = (value: string): JSONContent => ({ type: "text", text: value });
const bold = (value: string): JSONContent => ({ type: "text", text: value, marks: [{ type: "bold" }] });
const heading = (level: 2 | 3, value: string): JSONContent => ({
  type: "heading",
  attrs: { level },
  content: [text(value)],
});
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });
/** An empty paragraph that says what to write in it. */
const prompt = (placeholder: string): JSONContent => ({
  type: "paragraph",
  attrs: { [PLACEHOLDER_ATTRIBUTE]: placeholder },
});
/** A bulleted list with one empty item that says what to list. */
const promptList = (placeholder: string): JSONContent => ({
  type: "bulletList",
  content: [{ type: "listItem", content: [prompt(placeholder)] }],
});
const tasks = (...items: JSONContent[][]): JSONContent => ({
  type: "taskList",
  content: items.map((inline) => ({ type: "taskItem", attrs: { checked: false }, content: [paragraph(...inline)] })),
});

/** A table with a header row and one empty row, each of its cells saying what goes there. */
const promptTable = (columns: readonly (readonly [header: string, placeholder: string])[]): JSONContent => ({
  type: "table",
  content: [
    {
      type: "tableRow",
      content: columns.map(([header]) => ({ type: "tableHeader", content: [paragraph(text(header))] })),
    },
    {
      type: "tableRow",
      content: columns.map(([, placeholder]) => ({ type: "tableCell", content: [prompt(placeholder)] })),
    },
  ],
});

/** `YYYY-MM-DD` of `from` plus `weeks`, in UTC. */
function weeksFrom(from: Date, weeks: number): string {
  return new Date(from.getTime() + weeks * 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

function specBody(now: Date): JSONContent[] {
  return [
    heading(2, "Summary"),
    prompt("What are we building, for whom, and why does it matter? Two or three sentences."),
    heading(2, "Problem"),
    prompt("What hurts today, for whom, and how do we know? Link data, tickets or quotes."),
    heading(2, "Goals and non-goals"),
    heading(3, "Goals"),
    promptList("An outcome we commit to, phrased so we can tell when it is reached."),
    heading(3, "Non-goals"),
    promptList("Something reasonable people might expect that we will not do now."),
    heading(2, "Milestones"),
    tasks(
      [bold(weeksFrom(now, 2)), text(" Design reviewed")],
      [bold(weeksFrom(now, 6)), text(" First version behind a flag")],
      [bold(weeksFrom(now, 10)), text(" Beta with a few customers")],
      [bold(weeksFrom(now, 14)), text(" Generally available")],
    ),
    heading(2, "Open questions"),
    promptList("What we do not know yet, and who can answer it."),
    heading(2, "Decision log"),
    promptTable([
      ["Decision", "What we decided"],
      ["Options considered", "What we weighed, and why not the others"],
      ["Outcome", "What came of it"],
      ["Date", "YYYY-MM-DD"],
    ]),
    heading(2, "Success metrics"),
    promptList("Metric: today's baseline → target, measured how, by when."),
  ];
}

function ideaBody(): JSONContent[] {
  return [
    heading(2, "Pitch"),
    prompt("The idea in two sentences, for someone who has never heard of it."),
    heading(2, "Why now"),
    prompt("What changed (customers, technology, the market) that makes this worth doing now?"),
    heading(2, "Sketch"),
    prompt("How it could work. Rough is fine: a flow, a few bullets, a picture in words."),
    heading(2, "Risks"),
    promptList("What could make this fail, and the cheapest way to find out early."),
  ];
}

/** What a new document starts with. */
export interface TemplateInput {
  readonly kind: DocumentKind;
  readonly title: string;
  /** The spec's owner (usually whoever creates it); ignored for ideas. */
  readonly owner: string;
  /** Milestone dates count from here. */
  readonly now: Date;
}

/**
 * A new document of `kind` from its template, as one Yjs V1 update (see
 * {@link newDocumentUpdate}).
 */
export function templateUpdate(input: TemplateInput): Uint8Array {
  const body = input.kind === "spec" ? specBody(input.now) : ideaBody();
  return newDocumentUpdate({ ...input, content: { type: "doc", content: body } });
}
