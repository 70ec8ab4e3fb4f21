import type {
  DocumentAuthorship,
  DocumentDiff,
  HistoryChangeResult,
  VersionContent,
  VersionList,
  VersionSummary,
} from "@tandem/protocol";
import type { TandemConnection } from "../provider/connection.js";
import { apiRequest } from "../rest.js";

/**
 * The history endpoints of a Tandem server (docs/history.md), called with the
 * connection's own server and token.
 *
 * @example
 * ```ts
 * const history = new HistoryClient(connection);
 * const { versions } = await history.versions("spec/42");
 * const diff = await history.diff("spec/42", versions[0].id);
 * ```
 */
export class HistoryClient {
  constructor(private readonly connection: TandemConnection) {}

  versions(name: string): Promise<VersionList> {
    return this.request(name, "/versions");
  }

  createVersion(name: string, label: string): Promise<VersionSummary> {
    return this.request(name, "/versions", { label });
  }

  read(name: string, version: string): Promise<VersionContent> {
    return this.request(name, `/versions/${encodeURIComponent(version)}`);
  }

  /** What changed from the earlier of two versions to the later (`current` by default). */
  diff(name: string, from: string, to = "current"): Promise<DocumentDiff> {
    return this.request(name, `/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  }

  restore(name: string, version: string): Promise<HistoryChangeResult> {
    return this.request(name, `/versions/${encodeURIComponent(version)}/restore`, {});
  }

  /** Reverts everything `author` (a user id) changed since a version. */
  revert(name: string, author: string, since: string): Promise<HistoryChangeResult> {
    return this.request(name, "/revert", { author, since });
  }

  authorship(name: string): Promise<DocumentAuthorship> {
    return this.request(name, "/authorship");
  }

  /** GET, or POST with `body` as JSON; the document name's slashes go encoded, which the server never misreads. */
  private request<T>(name: string, path: string, body?: unknown): Promise<T> {
    return apiRequest(this.connection, `/api/documents/${encodeURIComponent(name)}${path}`, { body });
  }
}
