import type { DocumentSummary } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { type Person, screenshot, waitTimeoutMs } from "./support/browser.js";
import { E2E_SECRET as secret, useStage } from "./support/stage.js";
import {
  createSpecByApi,
  openWithToken,
  rewriteParagraph,
  waitForEditor,
  waitForSaved,
} from "./support/tandem-page.js";

/** The titles the list shows, top to bottom. */
const titles = (page: Page) => page.getByTestId("document-item").locator(".doc-row-title").allTextContents();

/** Polls the list's titles until they are `expected`. */
const expectTitles = (page: Page, expected: string[]) =>
  expect.poll(() => titles(page), { timeout: waitTimeoutMs }).toEqual(expected);

/** Opens the menu of the listed document titled `title`, and answers its row. */
async function openActions(page: Page, title: string): Promise<Locator> {
  const row = page.getByTestId("document-item").filter({ has: page.getByText(title, { exact: true }) });
  await row.getByTestId("document-actions").click();
  return row;
}

/** The document management of the list: search, filters, sort, archive, duplicate, delete, and who may do what. */
describe("the document list on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { owner: "", viewer: "" };
  let zeta = "";

  const api = async <T>(method: string, path: string, body?: string, type = "application/json") => {
    const response = await fetch(`${stage.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.owner}`, ...(body === undefined ? {} : { "content-type": type }) },
      body,
    });
    return { status: response.status, body: (response.status === 204 ? null : await response.json()) as T };
  };

  /** Olga, an owner of everything, on the list. */
  async function ownerOnList(label: string): Promise<Person> {
    const olga = await stage.cast.join(label);
    await olga.page.goto(`${stage.server.url}/#token=${tokens.owner}`);
    await olga.page.getByTestId("document-list").waitFor({ timeout: waitTimeoutMs });
    return olga;
  }

  beforeAll(async () => {
    tokens.owner = await signToken(secret, { sub: "olga", name: "Olga", access: { "*": "owner" } });
    tokens.viewer = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
    const url = stage.server.url;
    await createSpecByApi(url, "Alpha launch", tokens.owner);
    zeta = await createSpecByApi(url, "Zeta billing", tokens.owner);
    await api("PATCH", `/api/documents/${zeta}`, JSON.stringify({ status: "approved" }));
    await api("POST", "/api/documents", JSON.stringify({ kind: "idea", title: "Beta idea" }));
    const imported = await api<DocumentSummary>(
      "POST",
      "/api/documents/import?kind=spec",
      "# Gamma notes\n\nWe move the pangolin service to the new region in March.\n",
      "text/markdown",
    );
    expect(imported.status).toBe(201);
  });

  it("finds a document by a word in its text, filters by kind and status, and sorts by title", async () => {
    const { page } = await ownerOnList("olga-search");
    await page.getByTestId("library-search").fill("pangolin");
    await expectTitles(page, ["Gamma notes"]);
    await page.getByTestId("library-search").fill("");
    await page.getByTestId("sort").selectOption("title");
    await expectTitles(page, ["Alpha launch", "Beta idea", "Gamma notes", "Zeta billing"]);

    await page.getByTestId("filter-idea").click();
    await expectTitles(page, ["Beta idea"]);
    await page.getByTestId("filter-spec").click();
    await expectTitles(page, ["Alpha launch", "Gamma notes", "Zeta billing"]);
    await page.getByTestId("filter-status").selectOption("approved");
    await expectTitles(page, ["Zeta billing"]);
    await page.getByTestId("filter-status").selectOption("");
    await page.getByTestId("filter-all").click();
    await page.getByTestId("sort").selectOption("updatedAt");
    // Last edited first: Zeta's status changed after Beta was created, the import came last.
    await expectTitles(page, ["Gamma notes", "Beta idea", "Zeta billing", "Alpha launch"]);
    await screenshot(page, "library");
  });

  it("archives and unarchives, duplicates, and deletes only after a confirmation", async () => {
    const { page } = await ownerOnList("olga-manage");
    await page.getByTestId("sort").selectOption("title");
    await expectTitles(page, ["Alpha launch", "Beta idea", "Gamma notes", "Zeta billing"]);

    // The menu closes like a menu: on Escape, and on a press anywhere else.
    const beta = await openActions(page, "Beta idea");
    const betaMenuShown = () => beta.getByTestId("document-duplicate").isVisible();
    await expect.poll(betaMenuShown, { timeout: waitTimeoutMs }).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(betaMenuShown, { timeout: waitTimeoutMs }).toBe(false);
    await openActions(page, "Beta idea");
    await expect.poll(betaMenuShown, { timeout: waitTimeoutMs }).toBe(true);
    await page.getByRole("heading", { name: "Documents" }).click();
    await expect.poll(betaMenuShown, { timeout: waitTimeoutMs }).toBe(false);

    await (await openActions(page, "Alpha launch")).getByTestId("document-archive").click();
    await expectTitles(page, ["Beta idea", "Gamma notes", "Zeta billing"]);
    await page.getByTestId("view-archived").click();
    await expectTitles(page, ["Alpha launch"]);
    await (await openActions(page, "Alpha launch")).getByTestId("document-unarchive").click();
    await expectTitles(page, []);
    await page.getByTestId("view-active").click();
    await expectTitles(page, ["Alpha launch", "Beta idea", "Gamma notes", "Zeta billing"]);

    await (await openActions(page, "Zeta billing")).getByTestId("document-duplicate").click();
    await expectTitles(page, ["Alpha launch", "Beta idea", "Copy of Zeta billing", "Gamma notes", "Zeta billing"]);
    const copy = await page
      .getByTestId("document-item")
      .filter({ hasText: "Copy of Zeta billing" })
      .getAttribute("data-document-name");

    await (await openActions(page, "Copy of Zeta billing")).getByTestId("document-delete").click();
    const dialog = page.getByTestId("delete-dialog");
    await expect.poll(() => dialog.textContent(), { timeout: waitTimeoutMs }).toContain("Copy of Zeta billing");
    await page.getByTestId("delete-cancel").click();
    await expect.poll(() => dialog.isVisible(), { timeout: waitTimeoutMs }).toBe(false);
    expect(await titles(page)).toContain("Copy of Zeta billing");
    await (await openActions(page, "Copy of Zeta billing")).getByTestId("document-delete").click();
    await page.getByTestId("delete-confirm").click();
    await expectTitles(page, ["Alpha launch", "Beta idea", "Gamma notes", "Zeta billing"]);
    expect((await api("GET", `/api/documents/${copy}`)).status).toBe(404);
  });

  it("edits a spec's contributors, target date and priority in its header; a viewer only reads them", async () => {
    const olga = await stage.cast.join("olga-details");
    await openWithToken(olga.page, stage.server.url, zeta, tokens.owner);
    await waitForEditor(olga.page, true);
    // The template's decision log is a table to fill in, under its own heading.
    const decisionLog = olga.page.getByTestId("editor-content").locator("table");
    expect(await decisionLog.locator("th").allTextContents()).toEqual([
      "Decision",
      "Options considered",
      "Outcome",
      "Date",
    ]);
    expect(await decisionLog.locator("td").count()).toBe(4);
    await olga.page.getByTestId("document-priority").selectOption("high");
    await olga.page.getByTestId("document-target-date").fill("2027-03-31");
    await olga.page.getByTestId("document-contributors").fill("Ada,  Grace Hopper, Ada");
    await olga.page.getByTestId("document-contributors").press("Enter");
    await expect
      .poll(async () => (await api<DocumentSummary>("GET", `/api/documents/${zeta}`)).body, { timeout: waitTimeoutMs })
      .toMatchObject({ priority: "high", targetDate: "2027-03-31", contributors: ["Ada", "Grace Hopper"] });
    expect(await olga.page.getByTestId("document-contributors").inputValue()).toBe("Ada, Grace Hopper");

    // A word typed into the text is found from the list once the server has stored it (seconds later).
    await rewriteParagraph(olga.page, "Summary", "Invoices reach every quetzal account.");
    await waitForSaved(olga.page);
    await olga.page.getByTestId("back-to-list").click();
    await olga.page.getByTestId("library-search").fill("QUETZAL");
    await expectTitles(olga.page, ["Zeta billing"]);

    const vic = await stage.cast.join("vic-details");
    await openWithToken(vic.page, stage.server.url, zeta, tokens.viewer);
    await waitForEditor(vic.page, false);
    await expect
      .poll(() => vic.page.getByTestId("document-priority").inputValue(), { timeout: waitTimeoutMs })
      .toBe("high");
    expect(await vic.page.getByTestId("document-priority").isDisabled()).toBe(true);
    expect(await vic.page.getByTestId("document-contributors").getAttribute("readonly")).not.toBeNull();
    await screenshot(olga.page, "spec-details");
  });

  it("shows a viewer the documents without the owner's actions", async () => {
    const vic = await stage.cast.join("vic");
    await vic.page.goto(`${stage.server.url}/#token=${tokens.viewer}`);
    await vic.page.getByTestId("sort").selectOption("title");
    await expectTitles(vic.page, ["Alpha launch", "Beta idea", "Gamma notes", "Zeta billing"]);
    // Vic created none of them: all are shared with him.
    await vic.page.getByTestId("view-shared").click();
    await expectTitles(vic.page, ["Alpha launch", "Beta idea", "Gamma notes", "Zeta billing"]);
    expect(await vic.page.getByTestId("document-actions").count()).toBe(0);
    expect(await vic.page.getByTestId("create-spec").count()).toBe(0);
  });
});
