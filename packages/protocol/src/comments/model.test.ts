import { describe, expect, it } from "vitest";
import { CommentLimits, checkCommentBody } from "./model.js";

describe("checkCommentBody", () => {
  it("keeps the trimmed text", () => {
    expect(checkCommentBody("  Looks good.\n")).toEqual({ ok: true, body: "Looks good." });
  });

  it("refuses text that is only whitespace", () => {
    expect(checkCommentBody(" \n\t ")).toEqual({ ok: false, reason: "a comment needs some text" });
  });

  it("counts the limit after trimming", () => {
    const longest = "x".repeat(CommentLimits.body);
    expect(checkCommentBody(` ${longest} `)).toEqual({ ok: true, body: longest });
    expect(checkCommentBody(`${longest}x`)).toMatchObject({ ok: false, reason: expect.stringMatching(/at most/) });
  });
});
