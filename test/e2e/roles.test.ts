import { signToken } from "@tandem/server";
import { beforeAll, describe, expect, it } from "vitest";
import { type Person, waitTimeoutMs } from "./support/browser.js";
import { useStage } from "./support/stage.js";
import {
  createSpecByApi,
  editorText,
  openWithToken,
  paragraphAfter,
  selectPhrase,
  textWithoutCarets,
  waitForEditor,
} from "./support/tandem-page.js";

const secret = "an-e2e-secret-that-is-long-enough-for-hs256";
const summaryHint = "What are we building, for whom, and why does it matter? Two or three sentences.";

/** People arrive with tokens from a server with AUTH_SECRET, so each has the role the token grants. */
describe("roles on the standalone page", () => {
  const stage = useStage({ authSecret: secret });
  const tokens = { editor: "", commenter: "", viewer: "" };

  beforeAll(async () => {
    tokens.editor = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    tokens.commenter = await signToken(secret, { sub: "cora", name: "Cora", access: { "spec/*": "commenter" } });
    tokens.viewer = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
  });

  /** Opens `document` in a browser context of its own, signed in with `token`. */
  async function arrive(label: string, document: string, token: string, editable: boolean): Promise<Person> {
    const person = await stage.cast.join(label);
    await openWithToken(person.page, stage.server.url, document, token);
    // The page keeps the token and takes it out of the address at once, so a copied link never carries it.
    await person.page.waitForURL(`${stage.server.url}/#/d/${document}`);
    await waitForEditor(person.page, editable);
    return person;
  }

  /**
   * Types into the Summary paragraph of someone who may not edit, then checks
   * that nothing changed anywhere: their text still holds the template's hint,
   * nothing waits to be saved, and once a later edit by the editor has reached
   * both screens, both hold the same text, without what was typed.
   */
  async function expectTypingChangesNothing(reader: Person, editor: Person): Promise<void> {
    await paragraphAfter(reader.page, "Summary").click();
    await reader.page.keyboard.type("sneaky edit");
    expect(await textWithoutCarets(paragraphAfter(reader.page, "Summary"))).toBe(summaryHint);
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
    expect(await vic.page.getByTestId("read-only").isVisible()).toBe(true);
    expect(await vic.page.getByTestId("read-only-note").textContent()).toBe("Read only");
    expect(await vic.page.getByTestId("toolbar-comment").count()).toBe(0);
    await expectTypingChangesNothing(vic, ada);
  });

  it("lets a commenter comment but not type", async () => {
    const document = await createSpecByApi(stage.server.url, "Commenter check", tokens.editor);
    const ada = await arrive("ada-commenter", document, tokens.editor, true);
    const cora = await arrive("cora", document, tokens.commenter, false);

    expect(await editorText(cora.page).getAttribute("contenteditable")).toBe("false");
    expect(await cora.page.getByTestId("read-only-note").textContent()).toBe("You can comment");
    await expectTypingChangesNothing(cora, ada);

    await selectPhrase(paragraphAfter(cora.page, "Summary"), "Two or three sentences");
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
      .toEqual(["Two or three sentences"]);
  });
});
