import { DEFAULT_TENANT, type ShareGrant } from "@tandem/persistence";
import { describe, expect, it } from "vitest";
import { accessTo, type Identity } from "./identity.js";
import {
  linksCannotRaise,
  type SharedAccess,
  sharedAccessOf,
  shareLinkBehind,
  shareLinkInForce,
} from "./shared-access.js";

const person = (access: Identity["access"], shared: Record<string, SharedAccess> = {}): Identity => ({
  id: "cora",
  name: "Cora",
  color: "#0090ff",
  access,
  program: false,
  tenant: DEFAULT_TENANT,
  shared: new Map(Object.entries(shared)),
});

const grant = (document: string, role: ShareGrant["role"], linkId: string, expiresAt: Date | null = null) => ({
  linkId,
  document,
  role,
  userId: "cora",
  userName: "Cora",
  grantedAt: new Date(),
  expiresAt,
});

describe("share links in accessTo", () => {
  it("adds a link's role on its document and its comments, and nothing elsewhere", () => {
    const cora = person({}, { "spec/1": { role: "commenter", linkId: "sl_a" } });
    expect(accessTo(cora, "spec/1")).toEqual({ role: "commenter", canWrite: false });
    expect(accessTo(cora, "spec/1#comments")).toEqual({ role: "commenter", canWrite: true });
    expect(accessTo(cora, "spec/2")).toBeUndefined();
    expect(shareLinkBehind(cora, "spec/1#comments")?.linkId).toBe("sl_a");
  });

  it("never lowers the token's role, and is not behind a role the token grants anyway", () => {
    const ada = person({ "spec/*": "owner" }, { "spec/1": { role: "viewer", linkId: "sl_v" } });
    expect(accessTo(ada, "spec/1")?.role).toBe("owner");
    expect(shareLinkBehind(ada, "spec/1")).toBeUndefined();
    const same = person({ "spec/*": "editor" }, { "spec/1": { role: "editor", linkId: "sl_e" } });
    expect(shareLinkBehind(same, "spec/1")).toBeUndefined();
    const raised = person({ "spec/*": "viewer" }, { "spec/1": { role: "editor", linkId: "sl_e" } });
    expect(accessTo(raised, "spec/1")).toEqual({ role: "editor", canWrite: true });
  });

  it("stops adding a role once the link has expired, though the link is still the one behind the connection", () => {
    const expiresAt = Date.now() + 60_000;
    const cora = person({}, { "spec/1": { role: "editor", linkId: "sl_t", expiresAt } });
    expect(shareLinkInForce(cora, "spec/1", expiresAt - 1)?.linkId).toBe("sl_t");
    expect(shareLinkInForce(cora, "spec/1", expiresAt)).toBeUndefined();
    expect(shareLinkBehind(cora, "spec/1")?.linkId).toBe("sl_t");
  });

  it("keeps, per document, the grant that gives the most", () => {
    const shared = sharedAccessOf([
      grant("spec/1", "viewer", "sl_1"),
      grant("spec/1", "editor", "sl_2", new Date(5000)),
      grant("spec/1", "commenter", "sl_3"),
      grant("idea/9", "commenter", "sl_4"),
    ]);
    expect(shared.get("spec/1")).toEqual({ role: "editor", linkId: "sl_2", expiresAt: 5000 });
    expect(shared.get("idea/9")).toEqual({ role: "commenter", linkId: "sl_4" });
  });

  it("knows when no link could raise a role, so that the grants need not be read", () => {
    expect(linksCannotRaise({ "*": "editor" })).toBe(true);
    expect(linksCannotRaise({ "*": "owner", "spec/*": "editor" })).toBe(true);
    expect(linksCannotRaise({ "*": "editor", "spec/1": "viewer" })).toBe(false);
    expect(linksCannotRaise({ "spec/*": "owner" })).toBe(false);
    expect(linksCannotRaise({})).toBe(false);
  });
});
