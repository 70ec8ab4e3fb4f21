import type { Proposal, QuoteInput } from "@tandem/agent";

/** One section of the spec: its heading and the text under it (up to the next heading of any level). */
export interface Section {
  readonly heading: string;
  readonly level: number;
  /** The section's own text, blocks on lines of their own; empty for a template's untouched section. */
  readonly text: string;
}

/** What the review looks at. */
export interface SpecUnderReview {
  readonly title: string;
  /** The whole text, as `Collaborator.text()` gives it: what quotes are matched against. */
  readonly text: string;
  /** The sections in document order. */
  readonly sections: readonly Section[];
  /** The spec as Markdown, for a reviewer that reads prose (a language model) rather than structure. */
  readonly markdown: string;
}

/** Something the reviewer proposes; the runner turns each into a comment or a suggestion. */
export type Finding =
  | { readonly kind: "comment"; readonly quote: QuoteInput; readonly body: string }
  | { readonly kind: "suggest"; readonly quote: QuoteInput; readonly proposal: Proposal; readonly comment: string }
  | { readonly kind: "suggest-in-section"; readonly heading: string; readonly text: string; readonly comment: string };

/**
 * The review: a function from the spec to findings. {@link reviewSpec} is the plain-code one; a host may pass its
 * own, for example one that sends `spec.markdown` to a language model and turns its answer into findings.
 */
export type Review = (spec: SpecUnderReview) => readonly Finding[] | Promise<readonly Finding[]>;

// Questions for the sections of Tandem's spec template; any other empty section gets the generic one.
const questions: Readonly<Record<string, string>> = {
  problem: "Who is affected today, how often, and how do we know?",
  goals: "What outcome tells us we are done?",
  "non-goals": "What might people expect that we will not do now?",
  "open questions": "What do we not know yet, and who can answer it?",
  "success metrics": "Which metric moves, from what baseline to what target, by when?",
};

const FLAGS = ["TBD", "TODO"] as const;

const isWordCharacter = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);

/** Every occurrence of `word` in `text` as a whole word, numbered as the quote's occurrences are (among all its occurrences). */
function wholeWordOccurrences(text: string, word: string): number[] {
  const found: number[] = [];
  let occurrence = 0;
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1), occurrence++) {
    if (!isWordCharacter(text[at - 1]) && !isWordCharacter(text[at + word.length])) found.push(occurrence);
  }
  return found;
}

/** "Goals and non-goals" → "goals and non-goals", but an acronym stays as it is. */
function inSentence(heading: string): string {
  return /^\p{Lu}\p{Ll}/u.test(heading) ? heading[0]?.toLowerCase() + heading.slice(1) : heading;
}

/** "a", "a and b", "a, b and c". */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * The example's review, in plain code (no language model):
 *
 * 1. A summary from the section headings: when the "Summary" section is empty, a suggestion to fill it with
 *    "This spec covers …", listing the other top-level sections. A summary someone wrote is left alone.
 * 2. Empty sections: for each other section without text (and without subsections holding text), a suggestion
 *    to write a question into it, one question per known template section, a generic one otherwise.
 * 3. Every "TBD" and "TODO" standing as a word: a comment asking who decides it, and by when.
 */
export function reviewSpec(spec: SpecUnderReview): Finding[] {
  const findings: Finding[] = [];
  const topLevel = Math.min(...spec.sections.map((section) => section.level));
  // A section is empty when neither it nor any of its subsections holds text.
  const empty = spec.sections.map((section, at) => {
    const next = spec.sections.findIndex((later, index) => index > at && later.level <= section.level);
    const inside = spec.sections.slice(at, next < 0 ? undefined : next);
    return inside.every((part) => part.text.trim() === "");
  });

  spec.sections.forEach((section, at) => {
    if (!empty[at]) return;
    const hasSubsections = spec.sections[at + 1] !== undefined && (spec.sections[at + 1]?.level ?? 0) > section.level;
    if (hasSubsections) return; // each subsection gets its own question
    if (section.heading.trim().toLowerCase() === "summary") {
      const covered = spec.sections
        .filter((other) => other.level === topLevel && other !== section)
        .map((other) => inSentence(other.heading));
      if (covered.length === 0) return;
      findings.push({
        kind: "suggest-in-section",
        heading: section.heading,
        text: `This spec covers ${listOf(covered)}.`,
        comment: "A first summary, drawn from the section headings: say what is decided once the sections are written.",
      });
      return;
    }
    const question =
      questions[section.heading.trim().toLowerCase()] ?? `What should a reader learn from "${section.heading}"?`;
    findings.push({
      kind: "suggest-in-section",
      heading: section.heading,
      text: question,
      comment: "This section is empty; a question to start it.",
    });
  });

  for (const flag of FLAGS) {
    for (const occurrence of wholeWordOccurrences(spec.text, flag)) {
      findings.push({
        kind: "comment",
        quote: { quote: flag, occurrence },
        body: `Still ${flag}: who decides this, and by when?`,
      });
    }
  }
  return findings;
}
