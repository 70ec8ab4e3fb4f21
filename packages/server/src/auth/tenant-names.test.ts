import { DEFAULT_TENANT } from "@tandem/persistence";
import { isValidDocumentName } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { accessTo, type Identity } from "./identity.js";
import { clientName, scopeListNames, scopeName, TENANT_SEPARATOR, tenantOfName, unscopeName } from "./tenant-names.js";

const identity = (tenant: string): Identity => ({
  id: "u1",
  name: "Ada",
  color: "#0090ff",
  access: { "*": "owner" },
  program: false,
  tenant,
});

describe("tenant names", () => {
  it("prefixes names of a tenant, and keeps the default tenant's bare", () => {
    expect(scopeName("acme", "spec/42")).toBe("acme!spec/42");
    expect(scopeName("acme", "spec/42#comments")).toBe("acme!spec/42#comments");
    expect(scopeName(DEFAULT_TENANT, "spec/42")).toBe("spec/42");
  });

  it("splits a server name into its tenant and the name its clients know", () => {
    expect(unscopeName("acme!spec/42")).toEqual({ tenant: "acme", name: "spec/42" });
    expect(unscopeName("spec/42")).toEqual({ tenant: DEFAULT_TENANT, name: "spec/42" });
    expect(unscopeName("acme!spec/42\0session")).toEqual({ tenant: "acme", name: "spec/42\0session" });
    expect(tenantOfName("big-co!idea/1#comments")).toBe("big-co");
    expect(clientName("big-co!idea/1#comments")).toBe("idea/1#comments");
    for (const [tenant, name] of [
      ["acme", "spec/1"],
      [DEFAULT_TENANT, "idea/x.y~z:w"],
    ] as const) {
      expect(unscopeName(scopeName(tenant, name))).toEqual({ tenant, name });
    }
  });

  it("uses a separator no client name may contain, so no crafted name reaches another tenant", () => {
    expect(isValidDocumentName(`acme${TENANT_SEPARATOR}spec/1`)).toBe(false);
    expect(isValidDocumentName(`spec/1${TENANT_SEPARATOR}`)).toBe(false);
    expect(isValidDocumentName("acme%21spec/1")).toBe(false);
    // Scoping what a client of the default tenant sends can never produce another tenant's name.
    expect(tenantOfName(scopeName(DEFAULT_TENANT, "spec/1"))).toBe(DEFAULT_TENANT);
  });

  it("scopes list prefixes and patterns, and keeps other tenants out of the default tenant's lists", () => {
    const names = { prefixes: ["spec/"], namePatterns: ["*"], excludePatterns: ["*#comments"] };
    expect(scopeListNames("acme", names)).toEqual({
      prefixes: ["acme!spec/"],
      namePatterns: ["acme!*"],
      excludePatterns: ["acme!*#comments"],
    });
    expect(scopeListNames(DEFAULT_TENANT, names)).toEqual({
      prefixes: ["spec/"],
      namePatterns: ["*"],
      excludePatterns: ["*#comments", "*!*"],
    });
  });
});

describe("accessTo across tenants", () => {
  it("applies a token's patterns to its own tenant's documents only", () => {
    expect(accessTo(identity("acme"), "acme!spec/1")?.role).toBe("owner");
    expect(accessTo(identity("acme"), "spec/1")).toBeUndefined();
    expect(accessTo(identity("acme"), "beta!spec/1")).toBeUndefined();
    expect(accessTo(identity(DEFAULT_TENANT), "acme!spec/1")).toBeUndefined();
    expect(accessTo(identity(DEFAULT_TENANT), "spec/1")?.role).toBe("owner");
  });
});
