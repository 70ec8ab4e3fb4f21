import { signToken } from "@tandem/server";
import { beforeAll, describe, expect, it } from "vitest";
import { screenshot, waitTimeoutMs } from "./support/browser.js";
import { E2E_SECRET as secret, useStage } from "./support/stage.js";
import {
  arriveWithToken,
  createSpecByApi,
  paragraphAfter,
  rewriteParagraph,
  selectPhrase,
} from "./support/tandem-page.js";

/** The bell in the page's top bar, with people who have tokens (so each is who their token says). */
describe("notifications on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { ada: "", grace: "" };

  beforeAll(async () => {
    tokens.ada = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    tokens.grace = await signToken(secret, { sub: "grace", name: "Grace Hopper", access: { "*": "editor" } });
  });

  it("rings the bell of someone mentioned, without a reload, and opening it lands on the thread", async () => {
    const document = await createSpecByApi(stage.server.url, "Mentions", tokens.ada);
    const ada = await arriveWithToken(stage, document, { label: "ada-mentions", token: tokens.ada, editable: true });
    const grace = await arriveWithToken(stage, document, {
      label: "grace-mentions",
      token: tokens.grace,
      editable: true,
    });
    const bell = grace.page.getByTestId("inbox-bell");
    await expect.poll(() => bell.getAttribute("aria-label"), { timeout: waitTimeoutMs }).toBe("Notifications");
    expect(await grace.page.getByTestId("inbox-count").count()).toBe(0);
    // A mark on Grace's page that a reload would wipe: the count must change with it still there.
    await grace.page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await rewriteParagraph(ada.page, "Summary", "Offline edits merge when people are back online.");
    await selectPhrase(paragraphAfter(ada.page, "Summary"), "Offline edits");
    await ada.page.getByTestId("toolbar-comment").click();
    await ada.page.getByTestId("new-comment-input").fill("@Grace Hopper can you check the merge story");
    await ada.page.getByTestId("new-comment-input").press("Enter");
    const thread = ada.page.getByTestId("comment-thread");
    await expect.poll(() => thread.count(), { timeout: waitTimeoutMs }).toBe(1);
    const threadId = await thread.getAttribute("data-thread-id");

    const count = grace.page.getByTestId("inbox-count");
    await expect.poll(() => count.textContent(), { timeout: waitTimeoutMs }).toBe("1");
    expect(await bell.getAttribute("aria-label")).toBe("Notifications, 1 unread");
    expect(await grace.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Grace goes to the list, then opens the notification from the bell there.
    await grace.page.getByTestId("home-link").click();
    await bell.click();
    const item = grace.page.getByTestId("inbox-item");
    await expect.poll(() => item.count(), { timeout: waitTimeoutMs }).toBe(1);
    expect(await item.textContent()).toContain("Ada Lovelace mentioned you");
    await screenshot(grace.page, "inbox");
    await item.click();
    await grace.page.waitForURL(`${stage.server.url}/#/d/${document}?thread=${threadId}`);
    const opened = grace.page.locator(`[data-testid="comment-thread"][data-thread-id="${threadId}"]`);
    await expect.poll(() => opened.getAttribute("aria-current"), { timeout: waitTimeoutMs }).toBe("true");
    await expect.poll(() => opened.isVisible(), { timeout: waitTimeoutMs }).toBe(true);
    // Opening it read it.
    await expect.poll(() => count.count(), { timeout: waitTimeoutMs }).toBe(0);

    // She follows the spec from its toolbar (commenting would have made her follow it; she has not).
    const follow = grace.page.getByTestId("toggle-follow");
    await expect.poll(() => follow.getAttribute("aria-pressed"), { timeout: waitTimeoutMs }).toBe("false");
    await follow.click();
    await expect.poll(() => follow.getAttribute("aria-pressed"), { timeout: waitTimeoutMs }).toBe("true");
  });
});
