import { DocumentFields, type DocumentKind, PLACEHOLDER_ATTRIBUTE } from "@tandem/protocol";
import * as Y from "yjs";

/**
 * Templates for new documents, built on the server as Yjs XML in the shape
 * TipTap's y-tiptap binding reads (node names and attributes of StarterKit and
 * the list extensions: `heading` with `level`, `paragraph`, `bulletList` and
 * `listItem`, `taskList` and `taskItem` with `checked`; marks as text
 * formatting, `{ bold: {} }`).
 *
 * What goes in a section is a placeholder, not text: an empty paragraph
 * whose {@link PLACEHOLDER_ATTRIBUTE} the client kit shows greyed until
 * someone types there. (The first templates wrote the hints as italic text,
 * which people had to delete, and whatever they typed after a hint came out
 * italic; documents created then keep that text.)
 *
 * Building the template here, once, and storing it before anyone opens the
 * document is what keeps two people who open a new document together from
 * each inserting the template (a client-side "if empty, insert the template"
 * races and duplicates it).
 */

type Inline = string | { readonly text: string; readonly marks: Readonly<Record<string, object>> };

interface Block {
  readonly type: string;
  readonly attrs?: Readonly<Record<string, string | number | boolean>>;
  readonly content?: readonly (Block | Inline)[];
}

const bold = (text: string): Inline => ({ text, marks: { bold: {} } });
const heading = (level: 2 | 3, text: string): Block => ({ type: "heading", attrs: { level }, content: [text] });
const paragraph = (...content: Inline[]): Block => ({ type: "paragraph", content });
/** An empty paragraph that says what to write in it. */
const prompt = (placeholder: string): Block => ({ type: "paragraph", attrs: { [PLACEHOLDER_ATTRIBUTE]: placeholder } });
/** A bulleted list with one empty item that says what to list. */
const promptList = (placeholder: string): Block => ({
  type: "bulletList",
  content: [{ type: "listItem", content: [prompt(placeholder)] }],
});
const tasks = (...items: Inline[][]): Block => ({
  type: "taskList",
  content: items.map((inline) => ({ type: "taskItem", attrs: { checked: false }, content: [paragraph(...inline)] })),
});

/** `YYYY-MM-DD` of `from` plus `weeks`, in UTC. */
function weeksFrom(from: Date, weeks: number): string {
  return new Date(from.getTime() + weeks * 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

function specBody(now: Date): Block[] {
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
      [bold(weeksFrom(now, 2)), " Design reviewed"],
      [bold(weeksFrom(now, 6)), " First version behind a flag"],
      [bold(weeksFrom(now, 10)), " Beta with a few customers"],
      [bold(weeksFrom(now, 14)), " Generally available"],
    ),
    heading(2, "Open questions"),
    promptList("What we do not know yet, and who can answer it."),
    heading(2, "Success metrics"),
    promptList("Metric: today's baseline → target, measured how, by when."),
  ];
}

function ideaBody(): Block[] {
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

function appendBlock(parent: Y.XmlFragment | Y.XmlElement, block: Block): void {
  const element = new Y.XmlElement(block.type);
  // Insert first, then fill: an integrated element applies attributes and
  // formatted text directly instead of through its preliminary state.
  parent.insert(parent.length, [element]);
  for (const [key, value] of Object.entries(block.attrs ?? {})) element.setAttribute(key, value as never);
  let text: Y.XmlText | undefined;
  for (const child of block.content ?? []) {
    if (typeof child === "string" || !("type" in child)) {
      if (!text) {
        text = new Y.XmlText();
        element.insert(element.length, [text]);
      }
      // Always pass the formatting: without it Yjs continues the preceding run's marks.
      if (typeof child === "string") text.insert(text.length, child, {});
      else text.insert(text.length, child.text, { ...child.marks });
    } else {
      text = undefined;
      appendBlock(element, child);
    }
  }
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
 * A new document of `kind` as one Yjs V1 update: the title, the `meta` map
 * (kind; for specs status `draft` and the owner) and the templated body, laid
 * out as {@link DocumentFields} describes.
 */
export function templateUpdate(input: TemplateInput): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getText(DocumentFields.title).insert(0, input.title);
    const meta = doc.getMap<string>(DocumentFields.meta);
    meta.set("kind", input.kind);
    if (input.kind === "spec") {
      meta.set("status", "draft");
      meta.set("owner", input.owner);
    }
    const body = doc.getXmlFragment(DocumentFields.content);
    for (const block of input.kind === "spec" ? specBody(input.now) : ideaBody()) appendBlock(body, block);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
