import { describe, expect, it } from "vitest";
import { reviewSpec, type Section } from "./review.ts";

const spec = (sections: Section[], text = sections.map((s) => `${s.heading}\n${s.text}`).join("\n")) => ({
  title: "Offline mode",
  text,
  sections,
  markdown: "",
});

describe("the example's review", () => {
  it("proposes a summary from the top-level headings when the summary is empty, and a question for each empty section", () => {
    const findings = reviewSpec(
      spec([
        { heading: "Summary", level: 2, text: "" },
        { heading: "Problem", level: 2, text: "" },
        { heading: "Goals and non-goals", level: 2, text: "" },
        { heading: "Goals", level: 3, text: "Edits made offline are never lost." },
        { heading: "Non-goals", level: 3, text: "" },
        { heading: "Rollout plan", level: 2, text: "" },
      ]),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        kind: "suggest-in-section",
        heading: "Summary",
        text: "This spec covers problem, goals and non-goals and rollout plan.",
      }),
      expect.objectContaining({ heading: "Problem", text: "Who is affected today, how often, and how do we know?" }),
      expect.objectContaining({ heading: "Non-goals", text: "What might people expect that we will not do now?" }),
      expect.objectContaining({ heading: "Rollout plan", text: 'What should a reader learn from "Rollout plan"?' }),
    ]);
  });

  it("leaves a written summary alone", () => {
    const findings = reviewSpec(
      spec([
        { heading: "Summary", level: 2, text: "We let people edit offline." },
        { heading: "Problem", level: 2, text: "Edits are lost on trains." },
      ]),
    );
    expect(findings).toEqual([]);
  });

  it("flags every TBD and TODO standing as a word, by its occurrence among all occurrences of the quote", () => {
    const text = "Summary\nBudget TBD. TBDs are not flags. Owner: TBD\nProblem\nTODO";
    const findings = reviewSpec(
      spec(
        [
          { heading: "Summary", level: 2, text: "Budget TBD. TBDs are not flags. Owner: TBD" },
          { heading: "Problem", level: 2, text: "TODO" },
        ],
        text,
      ),
    );
    expect(findings.map((finding) => finding.kind === "comment" && finding.quote)).toEqual([
      { quote: "TBD", occurrence: 0 },
      { quote: "TBD", occurrence: 2 },
      { quote: "TODO", occurrence: 0 },
    ]);
  });
});
