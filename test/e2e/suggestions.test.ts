import { signToken } from "@tandem/server";
import { beforeAll, describe, expect, it } from "vitest";
import { screenshot, waitTimeoutMs } from "./support/browser.js";
import { E2E_SECRET as secret, useStage } from "./support/stage.js";
import {
  arriveWithToken,
  createSpecByApi,
  editorText,
  paragraphAfter,
  rewriteParagraph,
  selectPhrase,
  textWithoutCarets,
  waitForSaved,
} from "./support/tandem-page.js";

describe("suggestions on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { owner: "", commenter: "" };

  beforeAll(async () => {
    tokens.owner = await signToken(secret, { sub: "olga", name: "Olga", access: { "*": "owner" } });
    tokens.commenter = await signToken(secret, { sub: "cora", name: "Cora", access: { "spec/*": "commenter" } });
  });

  it("a commenter suggests; the owner sees it inline and in the sidebar, discusses, accepts one and rejects another", async () => {
    const document = await createSpecByApi(stage.server.url, "Suggestions", tokens.owner);
    const olga = await arriveWithToken(stage, document, { label: "olga", token: tokens.owner, editable: true });
    await rewriteParagraph(olga.page, "Summary", "Offline editing in two or three sentences.");
    await waitForSaved(olga.page);

    // The commenter types: always suggesting, never editing.
    const cora = await arriveWithToken(stage, document, { label: "cora", token: tokens.commenter, editable: true });
    expect(await cora.page.getByTestId("suggesting-note").textContent()).toBe("Suggesting");
    const summary = (person: typeof cora) => paragraphAfter(person.page, "Summary");
    await expect
      .poll(() => textWithoutCarets(summary(cora)), { timeout: waitTimeoutMs })
      .toBe("Offline editing in two or three sentences.");
    await selectPhrase(summary(cora), "two or three");
    await cora.page.keyboard.type("two");
    await selectPhrase(summary(cora), "sentences.");
    await cora.page.keyboard.press("ArrowRight");
    await cora.page.keyboard.type(" Short ones.");
    await waitForSaved(cora.page);

    // The owner sees both inline, in Cora's colour, and as cards in the sidebar; the text itself is unchanged.
    const inline = editorText(olga.page);
    await expect
      .poll(() => inline.getByTestId("suggestion-insert").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["two", " Short ones."]);
    expect(await inline.getByTestId("suggestion-delete").allTextContents()).toEqual(["two or three"]);
    expect(await textWithoutCarets(summary(olga))).toBe("Offline editing in two or three sentences.");
    const cards = olga.page.getByTestId("comment-thread");
    await expect
      .poll(() => cards.getByTestId("suggestion-text").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["Replace “two or three” with “two”", "Add “ Short ones.”"]);
    expect(await cards.getByTestId("suggestion-status").allTextContents()).toEqual(["Suggested", "Suggested"]);
    await screenshot(olga.page, "suggestions-pending");

    // They discuss the replacement in its thread.
    const replaceCard = (person: typeof cora) =>
      person.page.getByTestId("comment-thread").filter({ hasText: "Replace “two or three”" });
    await replaceCard(olga).getByTestId("reply-input").fill("Why two?");
    await replaceCard(olga).getByTestId("reply-input").press("Enter");
    await expect
      .poll(() => replaceCard(cora).getByTestId("comment-body").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["Why two?"]);
    await replaceCard(cora).getByTestId("reply-input").fill("Shorter is easier to read.");
    await replaceCard(cora).getByTestId("reply-input").press("Enter");
    await expect
      .poll(() => replaceCard(olga).getByTestId("comment-body").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["Why two?", "Shorter is easier to read."]);
    // Cora may withdraw her own, but not decide.
    expect(await replaceCard(cora).getByTestId("suggestion-withdraw").count()).toBe(1);
    expect(await replaceCard(cora).getByTestId("suggestion-accept").count()).toBe(0);

    // The owner accepts the replacement and rejects the addition; both see the same text.
    await replaceCard(olga).getByTestId("suggestion-accept").click();
    await olga.page
      .getByTestId("comment-thread")
      .filter({ hasText: "Add “ Short ones.”" })
      .getByTestId("suggestion-reject")
      .click();
    const result = "Offline editing in two sentences.";
    for (const person of [olga, cora]) {
      await expect.poll(() => textWithoutCarets(summary(person)), { timeout: waitTimeoutMs }).toBe(result);
      await expect
        .poll(() => editorText(person.page).getByTestId("suggestion-insert").count(), { timeout: waitTimeoutMs })
        .toBe(0);
      await person.page.getByTestId("thread-filter-resolved").click();
      await expect
        .poll(() => person.page.getByTestId("suggestion-status").allTextContents(), { timeout: waitTimeoutMs })
        .toEqual(["Accepted by Olga", "Rejected by Olga"]);
    }
    await waitForSaved(olga.page);
    await screenshot(cora.page, "suggestions-decided");

    // In the history's "who wrote what", the accepted text is Cora's, accepted by Olga.
    await olga.page.getByTestId("toggle-history").click();
    await olga.page.getByTestId("history-authorship").click();
    const accepted = olga.page
      .getByTestId("history-authorship-view")
      .locator(".tandem-change.is-authored[data-accepted-by-id]");
    await expect
      .poll(
        () =>
          accepted.evaluateAll((runs) =>
            runs.map((run) => [run.textContent, run.getAttribute("data-author-id"), run.getAttribute("title")]),
          ),
        { timeout: waitTimeoutMs },
      )
      .toEqual([["two", "cora", "Written by Cora, accepted by Olga"]]);
  });

  it("an owner who switches Suggesting on proposes instead of editing, and can withdraw it", async () => {
    const document = await createSpecByApi(stage.server.url, "Owner suggests", tokens.owner);
    const olga = await arriveWithToken(stage, document, {
      label: "olga-suggests",
      token: tokens.owner,
      editable: true,
    });
    const text = "Offline editing in two sentences.";
    await rewriteParagraph(olga.page, "Summary", text);
    await olga.page.getByTestId("toolbar-suggest").click();
    expect(await olga.page.getByTestId("toolbar-suggest").getAttribute("aria-pressed")).toBe("true");
    await selectPhrase(paragraphAfter(olga.page, "Summary"), "Offline ");
    await olga.page.keyboard.press("Backspace");

    const struck = editorText(olga.page).getByTestId("suggestion-delete");
    await expect.poll(() => struck.allTextContents(), { timeout: waitTimeoutMs }).toEqual(["Offline "]);
    expect(await struck.getAttribute("data-author-id")).toBe("olga");
    expect(await textWithoutCarets(paragraphAfter(olga.page, "Summary"))).toBe(text);
    await olga.page.getByTestId("suggestion-withdraw").click();
    await expect.poll(() => struck.count(), { timeout: waitTimeoutMs }).toBe(0);
    await olga.page.getByTestId("toolbar-suggest").click();
    await paragraphAfter(olga.page, "Summary").click();
    await olga.page.keyboard.press("End");
    await olga.page.keyboard.type(" Done.");
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(olga.page, "Summary")), { timeout: waitTimeoutMs })
      .toBe(`${text} Done.`);
    await waitForSaved(olga.page);
  });
});
