import { type Collaborator, joinDocument } from "@tandem/agent";
import { signToken } from "@tandem/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { screenshot, waitTimeoutMs } from "./support/browser.js";
import { E2E_SECRET as secret, useStage } from "./support/stage.js";
import { arriveWithToken, createSpecByApi, editorText, rewriteParagraph } from "./support/tandem-page.js";

/** A program in the page of a person: labelled as a program in the avatar stack and on its caret. */
describe("a program on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { ada: "", reviewer: "" };
  const agents: Collaborator[] = [];

  beforeAll(async () => {
    tokens.ada = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    tokens.reviewer = await signToken(secret, {
      sub: "reviewer",
      name: "Spec reviewer",
      color: "#8e4ec6",
      program: true,
      access: { "spec/*": "commenter" },
    });
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.leave()));
  });

  it("shows a bot badge on the program's avatar and caret, and its caret on the text it works on", async () => {
    const name = await createSpecByApi(stage.server.url, "Program check", tokens.ada);
    const ada = await arriveWithToken(stage, name, { label: "ada-program", token: tokens.ada, editable: true });
    await rewriteParagraph(ada.page, "Summary", "Sync is done by polling. Latency budget is TBD.");

    const reviewer = await joinDocument({ url: stage.server.wsUrl, document: name, token: tokens.reviewer });
    agents.push(reviewer);
    await expect.poll(() => reviewer.text().includes("TBD"), { timeout: waitTimeoutMs }).toBe(true);
    reviewer.comment("TBD", "Who sets the budget, and by when?");

    const avatar = ada.page.locator('[data-testid="presence-avatar"][data-user-id="reviewer"]');
    await avatar.waitFor({ timeout: waitTimeoutMs });
    expect(await avatar.getAttribute("data-program")).toBe("true");
    expect(await avatar.getAttribute("aria-label")).toMatch(/^Spec reviewer \(program\), active/);
    expect(await avatar.locator(".tandem-program-badge").textContent()).toBe("bot");

    const caret = editorText(ada.page).locator('[data-testid="remote-caret"][data-user-id="reviewer"]');
    await caret.waitFor({ timeout: waitTimeoutMs });
    expect(await caret.getAttribute("data-program")).toBe("true");
    expect(await caret.locator(".tandem-caret__label").textContent()).toBe("Spec reviewerbot");
    // The caret rests at the end of the quoted "TBD": right before the final full stop.
    const before = await caret.evaluate((element) => {
      const range = document.createRange();
      range.setStart(element.closest("p") as Node, 0);
      range.setEndBefore(element);
      return range.toString();
    });
    expect(before).toBe("Sync is done by polling. Latency budget is TBD");
    await screenshot(ada.page, "program");

    // Ada sees the program's thread in the sidebar, under its name.
    await expect
      .poll(() => ada.page.getByText("Who sets the budget, and by when?").count(), { timeout: waitTimeoutMs })
      .toBe(1);
    // The comment's avatar carries the badge too: the comments' people say it is a program.
    await expect
      .poll(() => ada.page.locator('[data-testid="comments-sidebar"] .tandem-program-badge').count(), {
        timeout: waitTimeoutMs,
      })
      .toBeGreaterThan(0);

    await reviewer.leave();
    await expect.poll(() => avatar.count(), { timeout: waitTimeoutMs }).toBe(0);
  });
});
