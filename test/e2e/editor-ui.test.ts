import { signToken } from "@tandem/server";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { screenshot, waitTimeoutMs } from "./support/browser.js";
import { useStage } from "./support/stage.js";
import {
  arriveWithToken,
  createSpecByApi,
  editorText,
  paragraphAfter,
  rewriteParagraph,
  selectPhrase,
  shownPlaceholder,
  textWithoutCarets,
} from "./support/tandem-page.js";

const secret = "an-e2e-secret-for-the-editor-ui-tests!!";
const phone = { width: 390, height: 844 };
const summaryPlaceholder = "What are we building, for whom, and why does it matter? Two or three sentences.";

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

function boxOf(locator: Locator): Promise<Box> {
  return locator.evaluate((element) => {
    const { left, right, top, bottom } = element.getBoundingClientRect();
    return { left, right, top, bottom };
  });
}

/** Whether `locator` is inside the viewport and is what a tap on its middle would hit. */
function reachable(locator: Locator): Promise<{ inViewport: boolean; onTop: boolean }> {
  return locator.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    const inViewport =
      rect.width > 0 &&
      rect.left >= 0 &&
      rect.top >= 0 &&
      rect.right <= window.innerWidth &&
      rect.bottom <= window.innerHeight;
    const hit = element.ownerDocument.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    return { inViewport, onTop: hit !== null && element.contains(hit) };
  });
}

/** Saves the page in the light and the dark colour scheme (test artifacts, to look at). */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** The small things people saw on the standalone page, on a server with AUTH_SECRET. */
describe("editor details", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { ada: "", grace: "" };

  beforeAll(async () => {
    tokens.ada = await signToken(secret, {
      sub: "ada",
      name: "Ada Lovelace",
      color: "#0090ff",
      access: { "*": "editor" },
    });
    tokens.grace = await signToken(secret, {
      sub: "grace",
      name: "Grace Hopper",
      color: "#8e4ec6",
      access: { "*": "editor" },
    });
  });

  it("says what goes in a section until someone types there, and what they type is plain text", async () => {
    const document = await createSpecByApi(stage.server.url, "Placeholders", tokens.ada);
    const ada = await arriveWithToken(stage, document, {
      label: "ada-placeholders",
      token: tokens.ada,
      editable: true,
    });
    const summary = paragraphAfter(ada.page, "Summary");
    expect(await textWithoutCarets(summary)).toBe("");
    expect(await shownPlaceholder(summary)).toBe(summaryPlaceholder);
    const goal = editorText(ada.page).locator('h3:text-is("Goals") + ul p');
    expect(await shownPlaceholder(goal)).toBe("An outcome we commit to, phrased so we can tell when it is reached.");
    await screenshots(ada.page, "placeholders");

    await summary.click();
    await ada.page.keyboard.type("Plain words");
    await expect.poll(() => textWithoutCarets(summary), { timeout: waitTimeoutMs }).toBe("Plain words");
    expect(await shownPlaceholder(summary)).toBeNull();
    expect(await summary.locator("em, i, strong, b").count()).toBe(0);
    expect(await ada.page.getByTestId("toolbar-italic").getAttribute("aria-pressed")).toBe("false");
    expect(await shownPlaceholder(goal)).not.toBeNull();
    // A paragraph of one's own says nothing: the editor's "Start writing…" is for an empty editor only.
    await ada.page.keyboard.press("Enter");
    const next = editorText(ada.page).locator('h2:text-is("Summary") + p + p');
    await next.waitFor();
    expect(await shownPlaceholder(next)).toBeNull();
  });

  it("keeps a caret's name label inside the editor when the caret is at the end of a full line", async () => {
    const document = await createSpecByApi(stage.server.url, "Caret labels", tokens.ada);
    const [ada, grace] = await Promise.all([
      arriveWithToken(stage, document, { label: "ada-labels", token: tokens.ada, editable: true, viewport: phone }),
      arriveWithToken(stage, document, { label: "grace-labels", token: tokens.grace, editable: true, viewport: phone }),
    ]);
    // Grace fills the first line of the Summary to its right edge: one letter at a time until it
    // wraps, then one back. Her caret ends there.
    const summary = paragraphAfter(grace.page, "Summary");
    await summary.click();
    await grace.page.keyboard.type("m");
    const oneLine = (await boxOf(summary)).bottom - (await boxOf(summary)).top;
    for (let letters = 1; letters < 200; letters++) {
      await grace.page.keyboard.type("m");
      const box = await boxOf(summary);
      if (box.bottom - box.top > oneLine * 1.5) {
        await grace.page.keyboard.press("Backspace");
        break;
      }
    }

    const caret = editorText(ada.page).getByTestId("remote-caret");
    await expect.poll(() => caret.count(), { timeout: waitTimeoutMs }).toBe(1);
    const label = caret.locator(".tandem-caret__label");
    expect(await label.textContent()).toBe("Grace Hopper");
    const editor = await boxOf(ada.page.getByTestId("collaborative-editor"));
    await expect
      .poll(
        async () => {
          const [at, drawn] = await Promise.all([boxOf(caret), boxOf(label)]);
          return {
            // Drawn from the caret rightwards, it would stick out: the case this is about.
            wouldOverflow: at.left + (drawn.right - drawn.left) > editor.right,
            inside: drawn.left >= editor.left && drawn.right <= editor.right,
          };
        },
        { timeout: waitTimeoutMs },
      )
      .toEqual({ wouldOverflow: true, inside: true });
    await screenshots(ada.page, "caret-label-at-line-end");
  });

  it("shows the same person's other device as one avatar and a caret labelled as theirs", async () => {
    const document = await createSpecByApi(stage.server.url, "Two devices", tokens.ada);
    const laptop = await arriveWithToken(stage, document, { label: "ada-laptop", token: tokens.ada, editable: true });
    const adaPhone = await arriveWithToken(stage, document, {
      label: "ada-phone",
      token: tokens.ada,
      editable: true,
      viewport: phone,
    });
    await arriveWithToken(stage, document, { label: "grace-devices", token: tokens.grace, editable: true });
    await paragraphAfter(adaPhone.page, "Problem").click();
    await adaPhone.page.keyboard.type("From the train");

    const caret = editorText(laptop.page).getByTestId("remote-caret").and(laptop.page.locator('[data-user-id="ada"]'));
    await expect.poll(() => caret.allTextContents(), { timeout: waitTimeoutMs }).toEqual(["you (other device)"]);
    const avatars = laptop.page.getByTestId("presence-avatar");
    await expect
      .poll(() => avatars.evaluateAll((all) => all.map((a) => [a.dataset.userId, a.dataset.state])), {
        timeout: waitTimeoutMs,
      })
      .toEqual([
        ["ada", "you"],
        ["grace", "active"],
      ]);
  });

  it("keeps every tool reachable on a phone, with a sign that the tools scroll, and Comment in view", async () => {
    const document = await createSpecByApi(stage.server.url, "Phone toolbar", tokens.ada);
    const ada = await arriveWithToken(stage, document, {
      label: "ada-phone-toolbar",
      token: tokens.ada,
      editable: true,
      viewport: phone,
    });
    await rewriteParagraph(ada.page, "Summary", "Edits made offline merge when the phone is back online.");
    const toolbar = ada.page.getByTestId("editor-toolbar");
    const tools = ada.page.getByTestId("toolbar-tools");

    expect(await reachable(ada.page.getByTestId("toolbar-comment"))).toEqual({ inViewport: true, onTop: true });
    expect((await boxOf(toolbar)).right).toBeLessThanOrEqual(phone.width);
    // More tools than fit: an arrow says so at the end that has more.
    expect(await tools.getAttribute("data-overflow")).toBe("end");
    expect(await reachable(ada.page.getByTestId("toolbar-scroll-end"))).toEqual({ inViewport: true, onTop: true });
    await screenshots(ada.page, "phone-toolbar");

    const buttons = tools.getByRole("button");
    const count = await buttons.count();
    expect(count).toBeGreaterThan(15);
    for (let index = 0; index < count; index++) {
      const button = buttons.nth(index);
      await button.evaluate((element) => element.scrollIntoView({ block: "nearest", inline: "center" }));
      await expect.poll(() => reachable(button), { timeout: waitTimeoutMs }).toEqual({ inViewport: true, onTop: true });
    }

    // The arrows scroll the tools too (a mouse on a narrow window cannot swipe).
    await tools.evaluate((element) => element.scrollTo({ left: 0 }));
    await expect.poll(() => tools.getAttribute("data-overflow"), { timeout: waitTimeoutMs }).toBe("end");
    await ada.page.getByTestId("toolbar-scroll-end").click();
    await expect.poll(() => tools.getAttribute("data-overflow"), { timeout: waitTimeoutMs }).not.toBe("end");
    expect(await ada.page.getByTestId("toolbar-scroll-start").isVisible()).toBe(true);
  });

  it("strikes through a detached thread's quote, not the label that says why", async () => {
    const document = await createSpecByApi(stage.server.url, "Detached thread", tokens.ada);
    const ada = await arriveWithToken(stage, document, { label: "ada-detached", token: tokens.ada, editable: true });
    await rewriteParagraph(ada.page, "Summary", "Merge offline edits without asking anyone.");
    await selectPhrase(paragraphAfter(ada.page, "Summary"), "without asking anyone");
    await ada.page.getByTestId("toolbar-comment").click();
    await ada.page.getByTestId("new-comment-input").fill("Really nobody?");
    await ada.page.getByTestId("new-comment-input").press("Enter");
    const thread = ada.page.getByTestId("comment-thread");
    await expect.poll(() => thread.getAttribute("data-anchor"), { timeout: waitTimeoutMs }).toBe("attached");

    await selectPhrase(paragraphAfter(ada.page, "Summary"), "without asking anyone");
    await ada.page.keyboard.press("Backspace");
    await expect.poll(() => thread.getAttribute("data-anchor"), { timeout: waitTimeoutMs }).toBe("collapsed");
    const quote = thread.getByTestId("thread-quote");
    expect(await quote.getByText("Its text was deleted").isVisible()).toBe(true);
    // Text decorations reach every child of the element they are set on, whatever the child says.
    const lines = await quote.evaluate((button) => ({
      button: getComputedStyle(button).textDecorationLine,
      quote: getComputedStyle(button.querySelector("q") as Element).textDecorationLine,
    }));
    expect(lines).toEqual({ button: "none", quote: "line-through" });
    await screenshots(ada.page, "detached-thread");
  });
});
