import { Hocuspocus } from "@hocuspocus/server";
import { createPGliteStore, DEFAULT_TENANT, type TandemStore } from "@tandem/persistence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity } from "../auth/identity.js";
import type { DurableLog } from "../extensions/durable-log.js";
import type { ArchivedDocuments } from "./archived.js";
import type { Deletions } from "./deletions.js";
import { type DocumentQuery, DocumentService } from "./service.js";

// Ivy views every idea; links shared a spec with her as a commenter, an idea as an editor, and one that expired.
const ivy: Identity = {
  id: "ivy",
  name: "Ivy",
  color: "#0090ff",
  access: { "idea/*": "viewer" },
  program: false,
  tenant: DEFAULT_TENANT,
  shared: new Map([
    ["spec/granted", { role: "commenter", linkId: "1" }],
    ["idea/a", { role: "editor", linkId: "2" }],
    ["spec/expired", { role: "editor", linkId: "3", expiresAt: Date.now() - 1000 }],
  ]),
};

const everything: DocumentQuery = { archived: false, sort: "title", order: "asc", limit: 10, offset: 0 };

describe("DocumentService.list with documents shared through links", () => {
  let store: TandemStore;
  let service: DocumentService;

  beforeAll(async () => {
    store = await createPGliteStore();
    for (const [name, title, createdBy] of [
      ["idea/a", "An idea", "grace"],
      ["spec/granted", "A granted spec", "grace"],
      ["spec/expired", "An expired link's spec", "grace"],
      ["spec/hidden", "A hidden spec", "grace"],
      ["idea/mine", "Ivy's idea", "ivy"],
    ] as const) {
      await store.setMetadata(name, { title, createdBy });
    }
    // Listing reads the store and live presence only: no log, no deletions, no archive.
    const unused = {} as DurableLog & Deletions & ArchivedDocuments;
    service = new DocumentService(store, new Hocuspocus(), unused, unused, unused);
  });
  afterAll(() => store.close());

  it("lists what a link in force shares, with the link's role when it grants more, and as shared with her", async () => {
    const page = await service.list(ivy, everything);
    expect(page.documents.map((document) => [document.name, document.role, document.createdByYou])).toEqual([
      ["spec/granted", "commenter", false],
      ["idea/a", "editor", false],
      ["idea/mine", "viewer", true],
    ]);
    const shared = await service.list(ivy, { ...everything, shared: true });
    expect(shared.documents.map((document) => document.name)).toEqual(["spec/granted", "idea/a"]);
    const found = await service.list(ivy, { ...everything, q: "granted" });
    expect(found.documents.map((document) => document.name)).toEqual(["spec/granted"]);
  });
});
