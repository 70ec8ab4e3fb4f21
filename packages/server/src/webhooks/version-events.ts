import type { CreatedVersion, CreateVersionOptions, DocumentStore } from "@tandem/persistence";
import type { WebhookOutbox } from "./outbox.js";

/**
 * `store`, announcing `version.created` for every version its
 * `createVersion` makes (named, automatic, or kept before a restore or
 * revert); one it only returns because nothing changed is not announced.
 * History uses the result, so every way a version is made is covered.
 */
export function announcingVersions(store: DocumentStore, outbox: WebhookOutbox): DocumentStore {
  async function createVersion(name: string, options?: CreateVersionOptions): Promise<CreatedVersion> {
    const version = await store.createVersion(name, options);
    if (version.created) {
      void outbox.emit("version.created", {
        document: name,
        version: {
          id: version.id,
          kind: version.kind,
          label: version.label,
          createdBy: version.createdBy,
          createdAt: version.createdAt.toISOString(),
          authors: version.authors,
        },
      });
    }
    return version;
  }
  return new Proxy(store, {
    get(target, key) {
      if (key === "createVersion") return createVersion;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
