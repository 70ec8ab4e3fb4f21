import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { signToken } from "@tandem/server";
import { beforeAll, describe, expect, it } from "vitest";
import { type Person, waitTimeoutMs } from "./support/browser.js";
import { E2E_SECRET as secret, useStage } from "./support/stage.js";
import {
  arriveWithToken,
  createSpecByApi,
  editorText,
  openWithToken,
  paragraphAfter,
  rewriteParagraph,
  selectPhrase,
  shownPlaceholder,
  textWithoutCarets,
  waitForEditor,
} from "./support/tandem-page.js";

/** People arrive with tokens from a server with AUTH_SECRET, so each has the role the token grants. */
describe("roles on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { editor: "", commenter: "", viewer: "" };

  beforeAll(async () => {
    tokens.editor = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    tokens.commenter = await signToken(secret, { sub: "cora", name: "Cora", access: { "spec/*": "commenter" } });
    tokens.viewer = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
  });

  const arrive = (label: string, document: string, token: string, editable: boolean) =>
    arriveWithToken(stage, document, { label, token, editable });

  /**
   * Types into the Summary paragraph of someone who may not edit, then checks
   * that nothing changed anywhere: their Summary is still empty (the
   * template's placeholder is not text, and not shown to whoever cannot type),
   * nothing waits to be saved, and once a later edit by the editor has reached
   * both screens, both hold the same text, without what was typed.
   */
  async function expectTypingChangesNothing(reader: Person, editor: Person): Promise<void> {
    await paragraphAfter(reader.page, "Summary").click();
    await reader.page.keyboard.type("sneaky edit");
    expect(await textWithoutCarets(paragraphAfter(reader.page, "Summary"))).toBe("");
    expect(await shownPlaceholder(paragraphAfter(reader.page, "Summary"))).toBeNull();
    expect(await reader.page.getByTestId("connection-status").getAttribute("data-unsynced")).toBe("0");

    await paragraphAfter(editor.page, "Problem").click();
    await editor.page.keyboard.type("Checked. ");
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(reader.page, "Problem")), { timeout: waitTimeoutMs })
      .toContain("Checked. ");
    const [readerText, editorSees] = await Promise.all([
      textWithoutCarets(editorText(reader.page)),
      textWithoutCarets(editorText(editor.page)),
    ]);
    expect(readerText).toBe(editorSees);
    expect(editorSees).not.toContain("sneaky");
  }

  it("keeps a viewer from typing and from commenting", async () => {
    const document = await createSpecByApi(stage.server.url, "Viewer check", tokens.editor);
    const ada = await arrive("ada-viewer", document, tokens.editor, true);
    const vic = await arrive("vic", document, tokens.viewer, false);

    expect(await editorText(vic.page).getAttribute("contenteditable")).toBe("false");
    // Said once, in the toolbar.
    expect(await vic.page.getByTestId("read-only-note").textContent()).toBe("Read only");
    expect(await vic.page.getByText(/read only/i).count()).toBe(1);
    expect(await vic.page.getByTestId("toolbar-comment").count()).toBe(0);
    await expectTypingChangesNothing(vic, ada);
  });

  it("lets a commenter comment, and turns what they type into suggestions, never edits", async () => {
    const document = await createSpecByApi(stage.server.url, "Commenter check", tokens.editor);
    const ada = await arrive("ada-commenter", document, tokens.editor, true);
    const cora = await arrive("cora", document, tokens.commenter, true);

    // One message: suggesting, not "Read only".
    expect(await cora.page.getByTestId("suggesting-note").textContent()).toBe("Suggesting");
    expect(await cora.page.getByText(/read only/i).count()).toBe(0);
    await paragraphAfter(cora.page, "Summary").click();
    await cora.page.keyboard.type("sneaky edit");
    await expect
      .poll(() => paragraphAfter(ada.page, "Summary").getByTestId("suggestion-insert").allTextContents(), {
        timeout: waitTimeoutMs,
      })
      .toEqual(["sneaky edit"]);
    // The text itself is unchanged on both screens: what was typed is a proposal, drawn beside the text.
    expect(await textWithoutCarets(paragraphAfter(ada.page, "Summary"))).toBe("");
    expect(await textWithoutCarets(paragraphAfter(cora.page, "Summary"))).toBe("");

    await rewriteParagraph(ada.page, "Summary", "Offline editing, in two or three sentences.");
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(cora.page, "Summary")), { timeout: waitTimeoutMs })
      .toContain("two or three sentences");
    await selectPhrase(paragraphAfter(cora.page, "Summary"), "two or three sentences");
    await cora.page.getByTestId("toolbar-comment").click();
    await cora.page.getByTestId("new-comment-input").fill("Can we keep it to two?");
    await cora.page.getByTestId("new-comment-input").press("Enter");

    const thread = ada.page.getByTestId("comment-thread");
    await expect
      .poll(() => thread.getByTestId("comment-body").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["Can we keep it to two?"]);
    expect(await thread.getByTestId("comment").getAttribute("data-author-id")).toBe("cora");
    await expect
      .poll(() => editorText(ada.page).getByTestId("comment-highlight").allTextContents(), { timeout: waitTimeoutMs })
      .toEqual(["two or three sentences"]);
  });

  it("tells a visitor without a token how to make one, and the command works as printed", async () => {
    const document = await createSpecByApi(stage.server.url, "Token hint", tokens.editor);
    const visitor = await stage.cast.join("no-token");
    await visitor.page.goto(`${stage.server.url}/#/d/${document}`);
    await visitor.page.getByTestId("signed-out").waitFor();
    const command = (await visitor.page.getByTestId("token-command").textContent()) ?? "";

    // In the repository's folder, with the server's AUTH_SECRET, as the page says.
    const printed = spawnSync("sh", ["-c", command], {
      cwd: join(import.meta.dirname, "..", ".."),
      env: { ...process.env, AUTH_SECRET: secret },
      encoding: "utf8",
    });
    expect(printed.status, `${command}: ${printed.stderr}`).toBe(0);
    await openWithToken(visitor.page, stage.server.url, document, printed.stdout.trim());
    await waitForEditor(visitor.page, true);
  });
});
