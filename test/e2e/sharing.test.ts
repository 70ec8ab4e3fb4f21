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
  waitForEditor,
} from "./support/tandem-page.js";

/** An owner shares a spec with a commenter link, and revokes it while the other person has it open. */
describe("sharing on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { owner: "", guest: "" };

  beforeAll(async () => {
    tokens.owner = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "spec/*": "owner" } });
    // A person the host knows, whose token opens no document at all: only the link will.
    tokens.guest = await signToken(secret, { sub: "cora", name: "Cora", access: {} });
  });

  it("a commenter link lets someone comment but not type, and says it no longer works once revoked", async () => {
    const document = await createSpecByApi(stage.server.url, "Shared with a link", tokens.owner);
    const ada = await arriveWithToken(stage, document, { label: "ada-owner", token: tokens.owner, editable: true });
    await rewriteParagraph(ada.page, "Summary", "Offline editing for field teams.");

    await ada.page.getByTestId("share-open").click();
    const dialog = ada.page.getByTestId("share-dialog");
    await dialog.getByTestId("share-role").selectOption("commenter");
    await dialog.getByTestId("share-create").click();
    const link = await dialog.getByTestId("share-new-url").inputValue();
    expect(link).toMatch(new RegExp(`^${stage.server.url}/#/s/[A-Za-z0-9_-]{43}$`));
    await dialog.getByTestId("share-link-row").and(ada.page.locator('[data-status="active"]')).waitFor();

    // Cora opens the link (her token rides along, as a host's sign-in would have stored it) and lands in the document.
    const cora = await stage.cast.join("cora-guest");
    await cora.page.goto(`${link}&token=${tokens.guest}`);
    await cora.page.waitForURL(`${stage.server.url}/#/d/${document}`);
    await waitForEditor(cora.page, true);
    expect(await cora.page.getByTestId("suggesting-note").textContent()).toBe("Suggesting");

    // She can comment…
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(cora.page, "Summary")), { timeout: waitTimeoutMs })
      .toContain("field teams");
    await selectPhrase(paragraphAfter(cora.page, "Summary"), "field teams");
    await cora.page.getByTestId("toolbar-comment").click();
    await cora.page.getByTestId("new-comment-input").fill("Which teams?");
    await cora.page.getByTestId("new-comment-input").press("Enter");
    await expect
      .poll(() => ada.page.getByTestId("comment-thread").getByTestId("comment-body").allTextContents(), {
        timeout: waitTimeoutMs,
      })
      .toEqual(["Which teams?"]);

    // …but not type: what she types is a suggestion beside the text, which stays as it was.
    await paragraphAfter(cora.page, "Problem").click();
    await cora.page.keyboard.type("typed");
    await expect
      .poll(() => paragraphAfter(ada.page, "Problem").getByTestId("suggestion-insert").allTextContents(), {
        timeout: waitTimeoutMs,
      })
      .toEqual(["typed"]);
    expect(await textWithoutCarets(paragraphAfter(ada.page, "Problem"))).toBe("");

    // The owner sees who has access through the link, and revokes it.
    await dialog.getByTestId("share-close").click();
    await ada.page.getByTestId("share-open").click();
    await dialog.getByTestId("share-person").and(ada.page.locator('[data-user-id="cora"]')).waitFor();
    await screenshot(ada.page, "share-dialog");
    await dialog.getByTestId("share-revoke").click();
    await dialog.getByTestId("share-link-row").and(ada.page.locator('[data-status="revoked"]')).waitFor();

    // Cora's open page says so at once, and the link itself no longer opens anything.
    await cora.page.getByTestId("share-link-ended").waitFor();
    expect(await cora.page.getByTestId("share-link-ended").getByRole("heading").textContent()).toBe(
      "This link no longer works",
    );
    expect(await editorText(cora.page).count()).toBe(0);
    await cora.page.goto(link);
    await cora.page.reload();
    await cora.page.getByTestId("share-link-ended").waitFor();
  });
});
