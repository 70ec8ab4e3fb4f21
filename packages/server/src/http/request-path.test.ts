import { describe, expect, it } from "vitest";
import { requestPath } from "./request-path.js";

describe("requestPath", () => {
  it("reads origin-form targets, query and all", () => {
    expect(requestPath("/collab?x=1")).toBe("/collab");
    expect(requestPath("/")).toBe("/");
    expect(requestPath("//")).toBe("//");
    expect(requestPath("//evil.example/x")).toBe("//evil.example/x");
  });

  it("refuses what is not an origin-form target instead of throwing", () => {
    expect(requestPath(undefined)).toBeUndefined();
    expect(requestPath("*")).toBeUndefined();
    expect(requestPath("http://other.example/")).toBeUndefined();
    expect(requestPath("")).toBeUndefined();
  });
});
