import type { DocumentStore } from "@tandem/persistence";
import { scopeName } from "../auth/tenant-names.js";

/**
 * The titles of documents as their metadata mirror holds them, for showing
 * notifications ("in Offline sync" rather than "in spec/k3x9q2"). Documents
 * without a title, gone, or unreadable are left out: the caller shows their name.
 * `names` are `tenant`'s, as its clients know them; so are the map's keys.
 */
export async function titlesOf(
  documents: Pick<DocumentStore, "stat">,
  tenant: string,
  names: Iterable<string>,
): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  await Promise.all(
    [...new Set(names)].map(async (name) => {
      const title = (await documents.stat(scopeName(tenant, name)).catch(() => null))?.metadata.title;
      if (typeof title === "string" && title.trim() !== "") titles.set(name, title);
    }),
  );
  return titles;
}
