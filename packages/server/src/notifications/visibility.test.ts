import { describe, expect, it } from "vitest";
import type { Identity } from "../auth/identity.js";
import { accessSnapshot, mayRead, maySee } from "./visibility.js";

const grace: Identity = {
  id: "grace",
  name: "Grace",
  color: "#46a758",
  program: false,
  tenant: "acme",
  access: { "idea/*": "editor" },
  shared: new Map([
    ["acme!spec/42", { role: "commenter", linkId: "l1" }],
    ["acme!spec/old", { role: "viewer", linkId: "l2", expiresAt: 1 }],
    ["other!spec/7", { role: "editor", linkId: "l3" }],
  ]),
};

describe("who may see a notification", () => {
  it("reads the token and the share links in force, in the caller's tenant", () => {
    expect(mayRead(grace, "idea/1")).toBe(true);
    expect(mayRead(grace, "spec/42")).toBe(true);
    expect(mayRead(grace, "spec/old")).toBe(false);
    expect(mayRead(grace, "spec/43")).toBe(false);
  });

  it("remembers a link's document by its exact name, for when the person is away", () => {
    const snapshot = accessSnapshot(grace, 1000);
    expect(snapshot).toEqual({ "idea/*": "editor", "spec/42": "commenter" });
    expect(maySee(snapshot, "spec/42")).toBe(true);
    expect(maySee(snapshot, "spec/43")).toBe(false);
    // Someone never seen is not filtered here: listing checks them.
    expect(maySee(null, "spec/43")).toBe(true);
  });
});
