import { signToken } from "@tandem/server";
import { beforeAll, describe, expect, it } from "vitest";
import { E2E_SECRET as secret, useStage } from "./support/stage.js";
import { arriveWithToken, createSpecByApi } from "./support/tandem-page.js";

/** What a page shows while an owner acts on its document through the API: archive, erase a person, delete. */
describe("an open page while an owner archives, erases and deletes", () => {
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
    await api(tokens.ada, "POST", `/api/documents/${document}/suggestions`, {
      quote: "Summary",
      proposal: { kind: "replace", text: "Overview" },
    });
    const grace = await arriveWithToken(stage, document, { label: "grace", token: tokens.grace, editable: true });
    const sidebar = grace.page.locator("#comments-panel");
    await expect.poll(() => sidebar.getByTestId("comment-body").textContent()).toBe("Ada's own note");
    await expect.poll(() => sidebar.getByTestId("suggestion-text").count()).toBe(1);
    expect(await sidebar.getByText("Ada Lovelace").count()).toBeGreaterThan(0);

    await api(tokens.root, "POST", "/api/people/ada/erase", {});
    await sidebar.getByTestId("comment-deleted").waitFor();
    expect(await sidebar.getByTestId("comment-deleted").textContent()).toBe("This comment was deleted.");
    expect(await sidebar.getByText("Deleted comment").isVisible()).toBe(true);
    expect(await sidebar.getByText("Ada Lovelace").count()).toBe(0);
    expect(await sidebar.getByText("Ada's own note").count()).toBe(0);
    // Her proposed change is gone too, from the sidebar and from the text.
    await expect.poll(() => sidebar.getByTestId("suggestion-text").count()).toBe(0);
    expect(await grace.page.getByText("Overview").count()).toBe(0);

    // The page keeps the document and its comments on the device…
    const copies = async () =>
      (
        await grace.page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name ?? ""))
      ).filter((name) => name.includes(encodeURIComponent(document)));
    await expect.poll(copies).toHaveLength(2);

    await api(tokens.root, "DELETE", `/api/documents/${document}`);
    const unavailable = grace.page.getByTestId("document-unavailable");
    await unavailable.waitFor();
    expect(await unavailable.getByRole("heading").textContent()).toBe("This document was deleted");
    // …and not once it is deleted: the copy would open offline and bring the document back once online.
    await expect.poll(copies).toEqual([]);
  });

  it("turns read-only while its document is archived, and editable again once unarchived", async () => {
    const document = await createSpecByApi(stage.server.url, "Archived under her", tokens.root);
    const grace = await arriveWithToken(stage, document, {
      label: "grace-archive",
      token: tokens.grace,
      editable: true,
    });
    const editor = grace.page.getByTestId("collaborative-editor");
    await api(tokens.root, "POST", `/api/documents/${document}/archive`, {});
    await expect.poll(() => editor.getAttribute("data-editable")).toBe("false");
    expect(await grace.page.getByTestId("read-only-note").textContent()).toBe("Read only");
    await api(tokens.root, "POST", `/api/documents/${document}/unarchive`, {});
    await expect.poll(() => editor.getAttribute("data-editable")).toBe("true");
  });
});
