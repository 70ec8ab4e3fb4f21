import { signToken } from "@tandem/server";
import { beforeAll, describe, expect, it } from "vitest";
import { useStage } from "./support/stage.js";
import { arriveWithToken, createSpecByApi } from "./support/tandem-page.js";

const secret = "an-e2e-secret-that-is-long-enough-for-hs256";

/** What a page shows while it is open: a person erased from under it, then the document deleted from under it. */
describe("erasure and deletion on an open page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { root: "", ada: "", grace: "" };

  beforeAll(async () => {
    tokens.root = await signToken(secret, { sub: "root", name: "Root", access: { "*": "owner" } });
    tokens.ada = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    tokens.grace = await signToken(secret, { sub: "grace", name: "Grace Hopper", access: { "*": "editor" } });
  });

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stage.server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
  };

  it("shows an erased person's comment as a nameless placeholder, and a deleted document as deleted", async () => {
    const document = await createSpecByApi(stage.server.url, "Erased under her", tokens.root);
    await api(tokens.ada, "POST", `/api/documents/${document}/comments`, { quote: "Problem", body: "Ada's own note" });
    const grace = await arriveWithToken(stage, document, { label: "grace", token: tokens.grace, editable: true });
    const sidebar = grace.page.locator("#comments-panel");
    await expect.poll(() => sidebar.getByTestId("comment-body").textContent()).toBe("Ada's own note");
    expect(await sidebar.getByText("Ada Lovelace").count()).toBeGreaterThan(0);

    await api(tokens.root, "POST", "/api/people/ada/erase", {});
    await sidebar.getByTestId("comment-deleted").waitFor();
    expect(await sidebar.getByTestId("comment-deleted").textContent()).toBe("This comment was deleted.");
    expect(await sidebar.getByText("Deleted comment").isVisible()).toBe(true);
    expect(await sidebar.getByText("Ada Lovelace").count()).toBe(0);
    expect(await sidebar.getByText("Ada's own note").count()).toBe(0);

    await api(tokens.root, "DELETE", `/api/documents/${document}`);
    const unavailable = grace.page.getByTestId("document-unavailable");
    await unavailable.waitFor();
    expect(await unavailable.getByRole("heading").textContent()).toBe("This document was deleted");
  });
});
