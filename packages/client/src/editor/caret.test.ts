import { defaultUserColor } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { caretLabelShift, caretLook, caretSelection, OWN_CARET_LABEL } from "./caret.js";

describe("remote carets", () => {
  it("takes only #rrggbb colours into CSS and derives one from the id otherwise", () => {
    expect(caretLook({ id: "ada", name: "Ada", color: "#0090FF" }, "me").color).toBe("#0090FF");
    for (const color of [
      "red",
      "#09f",
      "#0090ff80",
      "rgb(0 0 0)",
      "#0090ff; background: url(https://evil.example/x)",
      "var(--tandem-bg)",
      "transparent", // what TipTap passes on for a colour it finds invalid
      "",
      null,
      undefined,
      0x0090ff,
      { toString: () => "#0090ff" },
    ]) {
      expect(caretLook({ id: "ada", name: "Ada", color }, "me").color).toBe(defaultUserColor("ada"));
    }
    expect(caretSelection("me")({ id: "ada", color: "url(x)" }).style).toBe(
      `background-color: ${defaultUserColor("ada")}70`,
    );
  });

  it("labels carets with the name, and the local user's own other device as such", () => {
    expect(caretLook({ id: "ada", name: "Ada Lovelace", color: "#0090ff" }, "me").label).toBe("Ada Lovelace");
    expect(caretLook({ id: "me", name: "Margaret", color: "#0090ff" }, "me").label).toBe(OWN_CARET_LABEL);
    expect(caretLook({ name: 42 }, "").label).toBe("Anonymous");
  });

  it("marks a program's caret only when presence says so with `program: true`", () => {
    expect(caretLook({ id: "bot", name: "Reviewer", color: "#0090ff", program: true }, "me").program).toBe(true);
    expect(caretLook({ id: "ada", name: "Ada", color: "#0090ff" }, "me").program).toBe(false);
    expect(caretLook({ id: "ada", name: "Ada", color: "#0090ff", program: "yes" }, "me").program).toBe(false);
  });

  it("moves a label left just enough to stay inside the editor, never past its left edge", () => {
    const editor = { left: 100, right: 500 };
    expect(caretLabelShift(300, 80, editor)).toBe(0);
    expect(caretLabelShift(420, 80, editor)).toBe(0);
    expect(caretLabelShift(470, 80, editor)).toBe(50);
    // Wider than the room on either side: as far left as it may go.
    expect(caretLabelShift(150, 600, editor)).toBe(50);
  });
});
