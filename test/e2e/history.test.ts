import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot, waitTimeoutMs } from "./support/browser.js";
import { useStage } from "./support/stage.js";
import {
  createSpecByApi,
  editorText,
  openAsNewVisitor,
  paragraphAfter,
  rewriteParagraph,
  selectPhrase,
  textWithoutCarets,
  waitForEditor,
} from "./support/tandem-page.js";

const summary = "Let people edit specs offline.";
const problem = "Field teams lose edits when the connection drops.";

/** The id the page gave this person (dev mode: random, kept in the browser). */
function ownId(page: Page): Promise<string | null> {
  return page.getByTestId("presence-avatar").and(page.locator('[data-state="you"]')).getAttribute("data-user-id");
}

/** Types `text` at the end of the paragraph after `heading`. */
async function appendTo(page: Page, heading: string, text: string): Promise<void> {
  await paragraphAfter(page, heading).click();
  await page.keyboard.press("End");
  await page.keyboard.insertText(text);
}

/** Waits until the paragraph after `heading` reads `text` on `page`. */
async function paragraphReads(page: Page, heading: string, text: string): Promise<void> {
  await expect.poll(() => textWithoutCarets(paragraphAfter(page, heading)), { timeout: waitTimeoutMs }).toBe(text);
}

/** Two people on the standalone page (dev mode), naming a version, comparing, restoring. */
describe("history on the standalone page", () => {
  const stage = useStage();

  it("shows the changes since a named version coloured by author, and restores it with the comment still attached", async () => {
    const document = await createSpecByApi(stage.server.url, "Offline mode");
    const ada = await stage.cast.join("ada-history");
    const grace = await stage.cast.join("grace-history");
    await openAsNewVisitor(ada.page, stage.server.url, document, { name: "Ada Lovelace", color: "blue" });
    await openAsNewVisitor(grace.page, stage.server.url, document, { name: "Grace Hopper", color: "purple" });
    await Promise.all([waitForEditor(ada.page, true), waitForEditor(grace.page, true)]);
    const [adaId, graceId] = await Promise.all([ownId(ada.page), ownId(grace.page)]);

    // Both write; Grace comments on her own words.
    await rewriteParagraph(ada.page, "Summary", summary);
    await rewriteParagraph(grace.page, "Problem", problem);
    await paragraphReads(ada.page, "Problem", problem);
    await paragraphReads(grace.page, "Summary", summary);
    await selectPhrase(paragraphAfter(grace.page, "Problem"), "Field teams lose edits");
    await grace.page.getByTestId("toolbar-comment").click();
    await grace.page.getByTestId("new-comment-input").fill("Which teams, and how many edits?");
    await grace.page.getByTestId("new-comment-input").press("Enter");
    const highlight = (page: Page) => editorText(page).getByTestId("comment-highlight");
    await expect
      .poll(() => highlight(ada.page).allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["Field teams lose edits"]);

    // Ada names the current state.
    await ada.page.getByTestId("toggle-history").click();
    await ada.page.getByTestId("version-label-input").fill("Sent for review");
    await ada.page.getByTestId("version-save").click();
    const named = ada.page.getByTestId("history-version").filter({ hasText: "Sent for review" });
    await named.waitFor({ timeout: waitTimeoutMs });
    expect(await named.getAttribute("data-kind")).toBe("named");
    await ada.page.getByTestId("toggle-history").click();

    // More edits, by both.
    await appendTo(ada.page, "Summary", " Merge when back online.");
    await appendTo(grace.page, "Problem", " It happens every week.");
    await paragraphReads(grace.page, "Summary", `${summary} Merge when back online.`);
    await paragraphReads(ada.page, "Problem", `${problem} It happens every week.`);

    // Grace opens the history and the named version: the changes since, each in its author's colour.
    await grace.page.getByTestId("toggle-history").click();
    await grace.page.getByTestId("history-version").filter({ hasText: "Sent for review" }).click();
    const changes = grace.page.getByTestId("diff-change");
    const inserted = async () =>
      changes.evaluateAll((all) =>
        all
          .filter((change) => change.getAttribute("data-change") === "inserted")
          .map((change) => [
            change.textContent,
            change.getAttribute("data-author-id"),
            getComputedStyle(change).borderBottomColor,
          ]),
      );
    await expect
      .poll(async () => (await inserted()).map(([text, author]) => [text, author]), { timeout: waitTimeoutMs })
      .toEqual([
        [" Merge when back online.", adaId],
        [" It happens every week.", graceId],
      ]);
    // Ada's insertion is underlined in her blue, Grace's in her purple: two different colours.
    const [adaColour, graceColour] = (await inserted()).map(([, , colour]) => colour);
    expect(adaColour).not.toBe(graceColour);
    const legend = grace.page.getByTestId("diff-legend-author");
    expect((await legend.allTextContents()).sort()).toEqual(["Ada Lovelace", "Grace Hopper"]);
    expect(await grace.page.getByTestId("diff-summary").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Ada Lovelace added 4 words/)]),
    );
    await screenshot(grace.page, "history-diff");

    // Who wrote what, in the current text: each run by its author.
    await grace.page.getByTestId("history-authorship").click();
    const authored = grace.page.getByTestId("history-authorship-view").locator(".tandem-change.is-authored");
    const writtenBy = async (text: string) =>
      (await authored.evaluateAll((all) => all.map((run) => [run.textContent, run.getAttribute("data-author-id")])))
        .filter(([runText]) => runText?.includes(text))
        .map(([, author]) => author);
    await expect.poll(() => writtenBy("Merge when back online."), { timeout: waitTimeoutMs }).toEqual([adaId]);
    expect(await writtenBy("It happens every week.")).toEqual([graceId]);

    // Grace restores the named version.
    await grace.page.getByTestId("history-version").filter({ hasText: "Sent for review" }).click();
    await grace.page.getByTestId("version-restore").click();
    await grace.page.getByTestId("version-restore-confirm").click();
    await grace.page.getByTestId("history-status").filter({ hasText: "Restored" }).waitFor({ timeout: waitTimeoutMs });
    await grace.page.getByTestId("toggle-history").click();

    // Both see the restored text, and Grace's thread still on "Field teams lose edits".
    for (const page of [ada.page, grace.page]) {
      await paragraphReads(page, "Summary", summary);
      await paragraphReads(page, "Problem", problem);
      await expect
        .poll(() => highlight(page).allTextContents(), { timeout: waitTimeoutMs })
        .toEqual(["Field teams lose edits"]);
      const thread = page.getByTestId("comment-thread");
      await expect.poll(() => thread.getAttribute("data-anchor"), { timeout: waitTimeoutMs }).toBe("attached");
    }
  });
});
