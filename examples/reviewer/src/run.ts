import { type Collaborator, type DocumentContent, joinDocument } from "@tandem/agent";
import type { JSONContent } from "@tiptap/core";
import { type Finding, type Review, reviewSpec, type Section, type SpecUnderReview } from "./review.ts";

export type { Finding, Review, Section, SpecUnderReview } from "./review.ts";
export { reviewSpec } from "./review.ts";

/** Options of {@link runReviewer}. */
export interface ReviewerOptions {
  /** The server's collaboration endpoint, `ws(s)://host/collab`. */
  readonly url: string;
  /** The reviewer's token: a program's (`program: true`), best with the commenter role. */
  readonly token: string;
  /** The spec to review, e.g. `spec/k3x9q2m7pd`. */
  readonly document: string;
  /** The review to run; {@link reviewSpec} by default. Replace it to review with a language model. */
  readonly review?: Review;
}

/** What a run did: the findings and the thread each became (a comment or a suggestion), in order. */
export interface ReviewerResult {
  readonly findings: readonly Finding[];
  readonly threadIds: readonly string[];
}

function textOf(node: JSONContent): string {
  if (node.type === "text") return node.text ?? "";
  const blocks = (node.content ?? []).map(textOf);
  return node.type === "paragraph" || node.type === "heading" ? blocks.join("") : blocks.filter(Boolean).join("\n");
}

/** The sections of a document: each top-level heading and the text of the blocks after it, up to the next heading. */
export function sectionsOf({ content }: DocumentContent): Section[] {
  const sections: Array<{ heading: string; level: number; text: string[] }> = [];
  for (const block of content.content ?? []) {
    if (block.type === "heading") {
      sections.push({ heading: textOf(block), level: Number(block.attrs?.level ?? 1), text: [] });
    } else {
      sections.at(-1)?.text.push(textOf(block));
    }
  }
  return sections.map(({ heading, level, text }) => ({ heading, level, text: text.filter(Boolean).join("\n") }));
}

/** Turns one finding into a thread: a comment, or a suggestion nobody has to accept. */
function apply(agent: Collaborator, finding: Finding): string {
  switch (finding.kind) {
    case "comment":
      return agent.comment(finding.quote, finding.body);
    case "suggest":
      return agent.suggest(finding.quote, finding.proposal, { comment: finding.comment });
    case "suggest-in-section":
      return agent.suggestInSection(finding.heading, finding.text, { comment: finding.comment });
  }
}

/**
 * Joins the spec as the reviewer program, reads it, runs the review, writes each finding as a comment or a
 * suggestion, and leaves once the server has stored them. The reviewer shows in everyone's presence, with its
 * caret on each finding as it writes it.
 *
 * @example
 * ```ts
 * const { threadIds } = await runReviewer({ url: "ws://localhost:1234/collab", token, document: "spec/k3x9q2m7pd" });
 * ```
 */
export async function runReviewer(options: ReviewerOptions): Promise<ReviewerResult> {
  const agent = await joinDocument({ url: options.url, document: options.document, token: options.token });
  try {
    const content = agent.json();
    const spec: SpecUnderReview = {
      title: content.title,
      text: agent.text(),
      sections: sectionsOf(content),
      markdown: agent.markdown(),
    };
    const findings = await (options.review ?? reviewSpec)(spec);
    const threadIds = findings.map((finding) => apply(agent, finding));
    return { findings, threadIds };
  } finally {
    await agent.leave();
  }
}
