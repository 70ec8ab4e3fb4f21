import { DocumentFields, type DocumentKind, PLACEHOLDER_ATTRIBUTE } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { templateUpdate } from "./templates.js";

/**
 * A template's body as lines: `h2 Summary`, `p …text`, `p [placeholder]` for
 * an empty paragraph with a placeholder, nested blocks indented; formatted
 * text as `<bold>…</bold>`.
 */
function outline(kind: DocumentKind): string[] {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, templateUpdate({ kind, title: "T", owner: "Ada", now: new Date("2026-01-05T00:00:00Z") }));
  const lines: string[] = [];
  const walk = (element: Y.XmlElement, depth: number) => {
    const indent = "  ".repeat(depth);
    const texts = element.toArray().filter((child): child is Y.XmlText => child instanceof Y.XmlText);
    const text = texts
      .flatMap((child) => child.toDelta() as { insert: string; attributes?: Record<string, unknown> }[])
      .map(({ insert, attributes }) => {
        const marks = Object.keys(attributes ?? {});
        return marks.reduce((inner, mark) => `<${mark}>${inner}</${mark}>`, insert);
      })
      .join("");
    const level = element.getAttribute("level");
    const placeholder = element.getAttribute(PLACEHOLDER_ATTRIBUTE);
    if (element.nodeName === "heading") lines.push(`${indent}h${level} ${text}`);
    else if (element.nodeName === "paragraph") lines.push(`${indent}p ${placeholder ? `[${placeholder}]` : ""}${text}`);
    else lines.push(`${indent}${element.nodeName}`);
    for (const child of element.toArray()) if (child instanceof Y.XmlElement) walk(child, depth + 1);
  };
  for (const block of doc.getXmlFragment(DocumentFields.content).toArray()) walk(block as Y.XmlElement, 0);
  doc.destroy();
  return lines;
}

describe("document templates", () => {
  it("says what goes in each section of a spec with placeholders, not text", () => {
    expect(outline("spec")).toEqual([
      "h2 Summary",
      "p [What are we building, for whom, and why does it matter? Two or three sentences.]",
      "h2 Problem",
      "p [What hurts today, for whom, and how do we know? Link data, tickets or quotes.]",
      "h2 Goals and non-goals",
      "h3 Goals",
      "bulletList",
      "  listItem",
      "    p [An outcome we commit to, phrased so we can tell when it is reached.]",
      "h3 Non-goals",
      "bulletList",
      "  listItem",
      "    p [Something reasonable people might expect that we will not do now.]",
      "h2 Milestones",
      "taskList",
      "  taskItem",
      "    p <bold>2026-01-19</bold> Design reviewed",
      "  taskItem",
      "    p <bold>2026-02-16</bold> First version behind a flag",
      "  taskItem",
      "    p <bold>2026-03-16</bold> Beta with a few customers",
      "  taskItem",
      "    p <bold>2026-04-13</bold> Generally available",
      "h2 Open questions",
      "bulletList",
      "  listItem",
      "    p [What we do not know yet, and who can answer it.]",
      "h2 Decision log",
      "table",
      "  tableRow",
      "    tableHeader",
      "      p Decision",
      "    tableHeader",
      "      p Options considered",
      "    tableHeader",
      "      p Outcome",
      "    tableHeader",
      "      p Date",
      "  tableRow",
      "    tableCell",
      "      p [What we decided]",
      "    tableCell",
      "      p [What we weighed, and why not the others]",
      "    tableCell",
      "      p [What came of it]",
      "    tableCell",
      "      p [YYYY-MM-DD]",
      "h2 Success metrics",
      "bulletList",
      "  listItem",
      "    p [Metric: today's baseline → target, measured how, by when.]",
    ]);
  });

  it("says what goes in each section of an idea with placeholders, not text", () => {
    expect(outline("idea")).toEqual([
      "h2 Pitch",
      "p [The idea in two sentences, for someone who has never heard of it.]",
      "h2 Why now",
      "p [What changed (customers, technology, the market) that makes this worth doing now?]",
      "h2 Sketch",
      "p [How it could work. Rough is fine: a flow, a few bullets, a picture in words.]",
      "h2 Risks",
      "bulletList",
      "  listItem",
      "    p [What could make this fail, and the cheapest way to find out early.]",
    ]);
  });
});
