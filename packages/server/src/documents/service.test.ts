import { Hocuspocus } from "@hocuspocus/server";
import { createPGliteStore, type TandemStore } from "@tandem/persistence";
import type { Role } from "@tandem/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "../auth/identity.js";
import type { DurableLog } from "../extensions/durable-log.js";
import type { ArchivedDocuments } from "./archived.js";
import type { Deletions } from "./deletions.js";
import { type DocumentQuery, DocumentService } from "./service.js";

const ivy: Identity = {
  id: "ivy",
  name: "Ivy",
  color: "#0090ff",
  access: { "idea/*": "viewer" },
  program: false,
  tenant: "default",
};

const everything: DocumentQuery = { archived: false, sort: "title", order: "asc", limit: 10, offset: 0 };

describe("DocumentService.list with documents granted one by one", () => {
  let store: TandemStore;
  let service: DocumentService;

  beforeAll(async () => {
    store = await createPGliteStore();
    for (const [name, title, createdBy] of [
      ["idea/a", "An idea", "grace"],
      ["spec/granted", "A granted spec", "grace"],
      ["spec/hidden", "A hidden spec", "grace"],
      ["idea/mine", "Ivy's idea", "ivy"],
    ] as const) {
      await store.setMetadata(name, { title, createdBy });
    }
    // Listing reads the store and live presence only: no log, no deletions.
    service = new DocumentService(
      store,
      new Hocuspocus(),
      {} as DurableLog,
      {} as Deletions,
      {} as ArchivedDocuments,
      undefined,
      {
        grantedTo: async (identity): Promise<Record<string, Role>> =>
          identity.id === "ivy" ? { "spec/granted": "commenter" } : {},
      },
    );
  });
  afterAll(() => store.close());

  it("lists a granted document with its granted role, and as shared with the person", async () => {
    const page = await service.list(ivy, everything);
    expect(page.documents.map((document) => [document.name, document.role, document.createdByYou])).toEqual([
      ["spec/granted", "commenter", false],
      ["idea/a", "viewer", false],
      ["idea/mine", "viewer", true],
    ]);
    const shared = await service.list(ivy, { ...everything, shared: true });
    expect(shared.documents.map((document) => document.name)).toEqual(["spec/granted", "idea/a"]);
  });
});
