import { describe, expect, it } from "vitest";
import { type Person, screenshot, waitTimeoutMs } from "./support/browser.js";
import { useStage } from "./support/stage.js";
import {
  editorText,
  openAsNewVisitor,
  paragraphAfter,
  pickProfile,
  rewriteParagraph,
  selectPhrase,
  textWithoutCarets,
  waitForEditor,
} from "./support/tandem-page.js";

const summary = "Let people keep editing specs on a train or a plane, and merge their work when they are back online.";
const problem = "Field teams lose edits when the connection drops: 14 support tickets last quarter.";

/** Two people (and, for the screenshot, a third) on one spec, on a dev-mode server: anyone edits. */
describe("two people on the standalone page", () => {
  const stage = useStage();

  /**
   * Ada creates a spec through the page's New spec dialog; Grace opens its
   * link as a new visitor. Returns both once their editors are ready.
   */
  async function adaAndGraceOnNewSpec(test: string): Promise<{ ada: Person; grace: Person; document: string }> {
    const ada = await stage.cast.join(`ada-${test}`);
    const grace = await stage.cast.join(`grace-${test}`);
    await ada.page.goto(stage.server.url);
    await pickProfile(ada.page, { name: "Ada Lovelace", color: "blue" });
    await ada.page.getByTestId("create-spec").click();
    await ada.page.getByTestId("create-title").fill("Offline mode");
    await ada.page.getByTestId("create-submit").click();
    await ada.page.waitForURL(/#\/d\/spec\//);
    const document = decodeURIComponent(new URL(ada.page.url()).hash.replace(/^#\/d\//, ""));
    await openAsNewVisitor(grace.page, stage.server.url, document, { name: "Grace Hopper", color: "purple" });
    await Promise.all([waitForEditor(ada.page, true), waitForEditor(grace.page, true)]);
    return { ada, grace, document };
  }

  it("shows what one types to the other, with each one's caret and avatar", async () => {
    const { ada, grace, document } = await adaAndGraceOnNewSpec("typing");

    await rewriteParagraph(ada.page, "Summary", summary);
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(grace.page, "Summary")), { timeout: waitTimeoutMs })
      .toBe(summary);
    // Key by key, as a person types.
    await rewriteParagraph(grace.page, "Problem", "Field teams ");
    await grace.page.keyboard.type(problem.slice("Field teams ".length));
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(ada.page, "Problem")), { timeout: waitTimeoutMs })
      .toBe(problem);

    // Each sees the other's caret, labelled with the other's name, and both avatars.
    const adaId = await ada.page
      .getByTestId("presence-avatar")
      .and(ada.page.locator('[data-state="you"]'))
      .getAttribute("data-user-id");
    const graceId = await grace.page
      .getByTestId("presence-avatar")
      .and(grace.page.locator('[data-state="you"]'))
      .getAttribute("data-user-id");
    for (const [viewer, other, otherId] of [
      [ada, "Grace Hopper", graceId],
      [grace, "Ada Lovelace", adaId],
    ] as const) {
      const caret = editorText(viewer.page).getByTestId("remote-caret");
      await expect.poll(() => caret.count(), { timeout: waitTimeoutMs }).toBe(1);
      expect(await caret.getAttribute("data-user-id")).toBe(otherId);
      expect(await caret.textContent()).toBe(other);
      const avatars = viewer.page.getByTestId("presence-avatar");
      await expect
        .poll(async () => (await avatars.evaluateAll((all) => all.map((a) => a.getAttribute("data-user-id")))).sort(), {
          timeout: waitTimeoutMs,
        })
        .toEqual([adaId, graceId].sort());
    }

    // A third person sees both carets at once: the docs' screenshot of the page.
    const margaret = await stage.cast.join("margaret");
    await openAsNewVisitor(margaret.page, stage.server.url, document, { name: "Margaret Hamilton", color: "green" });
    await waitForEditor(margaret.page, true);
    const carets = editorText(margaret.page).getByTestId("remote-caret");
    await expect
      .poll(() => carets.allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(expect.arrayContaining(["Ada Lovelace", "Grace Hopper"]));
    // Both just arrived on her screen, so neither is idle: their labels show (an idle one fades out).
    expect(await carets.evaluateAll((all) => all.filter((caret) => caret.classList.contains("is-idle")).length)).toBe(
      0,
    );
    await screenshot(margaret.page, "cursors");
  });

  it("lets one comment on a selection, the other reply, and both see it resolved", async () => {
    const { ada, grace } = await adaAndGraceOnNewSpec("comments");
    await rewriteParagraph(ada.page, "Summary", summary);
    await rewriteParagraph(ada.page, "Problem", problem);

    await selectPhrase(paragraphAfter(ada.page, "Summary"), "merge their work");
    await ada.page.getByTestId("toolbar-comment").click();
    const question = "How do we merge two offline edits of the same milestone?";
    await ada.page.getByTestId("new-comment-input").fill(question);
    await ada.page.getByTestId("new-comment-input").press("Enter");

    // Grace sees the highlighted text and the thread, and replies.
    const highlight = editorText(grace.page).getByTestId("comment-highlight");
    await expect.poll(() => highlight.allTextContents(), { timeout: waitTimeoutMs }).toEqual(["merge their work"]);
    const graceThread = grace.page.getByTestId("comment-thread");
    await expect
      .poll(() => graceThread.getByTestId("comment-body").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual([question]);
    const answer = "Yjs merges both edits; each person's changes stay, and we show who made them.";
    await graceThread.getByTestId("reply-input").fill(answer);
    await graceThread.getByTestId("reply-input").press("Enter");

    const adaThread = ada.page.getByTestId("comment-thread");
    await expect
      .poll(() => adaThread.getByTestId("comment-body").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual([question, answer]);
    await screenshot(ada.page, "comment-thread");

    // Ada resolves; Grace sees it resolved: gone from the open threads and the text, listed as resolved.
    await adaThread.getByTestId("resolve-thread").click();
    await expect.poll(() => graceThread.count(), { timeout: waitTimeoutMs }).toBe(0);
    await expect.poll(() => highlight.count(), { timeout: waitTimeoutMs }).toBe(0);
    expect(await grace.page.getByTestId("thread-filter-open").getAttribute("aria-pressed")).toBe("true");
    await grace.page.getByTestId("thread-filter-resolved").click();
    expect(await graceThread.getAttribute("data-resolved")).toBe("true");
    expect(await graceThread.getByText("Resolved by Ada Lovelace").isVisible()).toBe(true);
  });
});
