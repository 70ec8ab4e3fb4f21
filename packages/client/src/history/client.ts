import type {
  ApiErrorBody,
  DocumentAuthorship,
  DocumentDiff,
  HistoryChangeResult,
  VersionContent,
  VersionList,
  VersionSummary,
} from "@tandem/protocol";
import { TandemClientError } from "../errors.js";
import type { TandemConnection } from "../provider/connection.js";

/** A header value is bytes: the dev-mode JSON token's non-ASCII characters go as JSON escapes. */
const asciiToken = (token: string) =>
  token.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

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
  private async request<T>(name: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.connection.httpUrl}/api/documents/${encodeURIComponent(name)}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${asciiToken(this.connection.bearerToken)}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new TandemClientError("unavailable", `the server cannot be reached: ${String(error)}`, { cause: error });
    }
    const answer = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
    if (response.ok && answer !== undefined) return answer as T;
    const error = (answer as ApiErrorBody | undefined)?.error;
    const code = response.status === 403 ? "read-only" : response.status === 404 ? "not-found" : "unavailable";
    throw new TandemClientError(code, error?.message ?? `the server answered ${response.status}`);
  }
}
