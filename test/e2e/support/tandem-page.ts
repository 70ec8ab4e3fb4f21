import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { type Cast, type Person, waitTimeoutMs } from "./browser.js";
import type { Stage } from "./stage.js";

/**
 * Drives the standalone page (examples/web) the way a person does, through
 * the test ids listed in docs/standalone-page.md and packages/client/README.md.
 * Waits poll for their condition (Playwright's locators, vitest's
 * `expect.poll`); none sleeps.
 */

/** Creates a spec through the REST API (`token` absent: dev mode's anonymous editor) and returns its name. */
export async function createSpecByApi(url: string, title: string, token?: string): Promise<string> {
  const response = await fetch(`${url}/api/documents`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ kind: "spec", title }),
  });
  if (response.status !== 201) throw new Error(`creating a spec answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { name: string }).name;
}

/** A dev-mode visitor's choice in the name and color dialog; `color` is a picker option, e.g. "blue". */
export interface Profile {
  readonly name: string;
  readonly color: string;
}

/** Answers the name and color dialog a dev-mode server's page shows on the first visit. */
export async function pickProfile(page: Page, profile: Profile): Promise<void> {
  await page.getByTestId("profile-name").fill(profile.name);
  await page.getByTestId(`profile-color-${profile.color}`).check();
  await page.getByTestId("profile-save").click();
}

/** Opens a document in dev mode as a new visitor: the page asks for a name and a color first. */
export async function openAsNewVisitor(page: Page, url: string, document: string, profile: Profile): Promise<void> {
  await page.goto(`${url}/#/d/${document}`);
  await pickProfile(page, profile);
}

/** A new person (a browser context of their own) who opens `document` as a new visitor, once their editor is ready. */
export async function arriveAsNewVisitor(
  cast: Cast,
  label: string,
  url: string,
  document: string,
  profile: Profile,
): Promise<Person> {
  const person = await cast.join(label);
  await openAsNewVisitor(person.page, url, document, profile);
  await waitForEditor(person.page, true);
  return person;
}

/** Waits until the page says everything is saved: connected, synced, nothing unacknowledged. */
export async function waitForSaved(page: Page): Promise<void> {
  const status = page.getByTestId("connection-status");
  await expect
    .poll(async () => [await status.getAttribute("data-status"), await status.getAttribute("data-unsynced")], {
      timeout: waitTimeoutMs,
    })
    .toEqual(["saved", "0"]);
}

/** Opens a document with a token in the link (`#/d/<name>&token=…`), as a server with AUTH_SECRET expects. */
export async function openWithToken(page: Page, url: string, document: string, token: string): Promise<void> {
  await page.goto(`${url}/#/d/${document}&token=${token}`);
}

/** Who arrives in {@link arriveWithToken}: a label for the logs, their token, and their screen. */
export interface Arrival {
  readonly label: string;
  readonly token: string;
  /** Whether their role lets them edit the text (the editor waits for that). */
  readonly editable: boolean;
  readonly viewport?: { readonly width: number; readonly height: number };
}

/**
 * A new person (a browser context of their own) who opens `document` with a
 * token link, and is ready once their editor is: on a server with AUTH_SECRET
 * each has the role the token grants.
 */
export async function arriveWithToken(stage: Stage, document: string, arrival: Arrival): Promise<Person> {
  const person = await stage.cast.join(arrival.label, arrival.viewport);
  await openWithToken(person.page, stage.server.url, document, arrival.token);
  // The page keeps the token and takes it out of the address at once, so a copied link never carries it.
  await person.page.waitForURL(`${stage.server.url}/#/d/${document}`);
  await waitForEditor(person.page, arrival.editable);
  return person;
}

/** The editable text of the editor (ProseMirror's root). */
export function editorText(page: Page): Locator {
  return page.getByTestId("editor-content");
}

/** The first paragraph after the heading `heading` in the document body. */
export function paragraphAfter(page: Page, heading: string): Locator {
  return editorText(page).locator(`h2:text-is("${heading}") + p`);
}

/**
 * The text of `element` as the document holds it: without other people's
 * caret labels, or suggested insertions, drawn into it.
 */
export function textWithoutCarets(element: Locator): Promise<string> {
  return element.evaluate((node) => {
    const copy = node.cloneNode(true) as HTMLElement;
    const drawn = copy.querySelectorAll('[data-testid="remote-caret"], [data-testid="suggestion-insert"]');
    for (const caret of drawn) caret.remove();
    return copy.textContent ?? "";
  });
}

/**
 * The placeholder drawn in `element` (an empty paragraph) now, or null: what
 * the page shows there, which is not part of its text.
 */
export function shownPlaceholder(element: Locator): Promise<string | null> {
  return element.evaluate((node) => {
    const content = getComputedStyle(node, "::after").content;
    return content === "none" || content === "normal" ? null : (JSON.parse(content) as string);
  });
}

/** Waits until the editor has synced and is editable (or not) as the person's role says. */
export async function waitForEditor(page: Page, editable: boolean): Promise<void> {
  await page
    .getByTestId("collaborative-editor")
    .and(page.locator(`[data-editable="${editable}"]`))
    .waitFor({ timeout: waitTimeoutMs });
  await paragraphAfter(page, "Summary").waitFor({ timeout: waitTimeoutMs });
}

/**
 * Replaces the paragraph under `heading` (in a new document, an empty one
 * showing the template's placeholder) with `text`: selects the paragraph and
 * enters the text as one input event, as a paste or an input method does
 * (quicker than key by key). The caret stays at its end, for
 * `page.keyboard.type` to go on.
 */
export async function rewriteParagraph(page: Page, heading: string, text: string): Promise<void> {
  // Not a triple click: on an empty line Chromium selects from the heading above into the next block.
  await paragraphAfter(page, heading).evaluate((paragraph) => {
    (paragraph.closest("[contenteditable]") as HTMLElement | null)?.focus();
    const range = paragraph.ownerDocument.createRange();
    range.selectNodeContents(paragraph);
    const selection = paragraph.ownerDocument.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  });
  await page.keyboard.insertText(text);
}

/**
 * Selects `phrase` inside `within` through the DOM selection, which the
 * editor picks up as its own selection (as it does a drag with the mouse).
 */
export async function selectPhrase(within: Locator, phrase: string): Promise<void> {
  await within.evaluate((element, wanted) => {
    (element.closest("[contenteditable]") as HTMLElement | null)?.focus();
    const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const start = node.textContent?.indexOf(wanted) ?? -1;
      if (start < 0) continue;
      const range = element.ownerDocument.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + wanted.length);
      const selection = element.ownerDocument.getSelection();
      // ProseMirror reads a DOM selection on its selectionchange event, which fires later: typing before it
      // arrives types over the editor's previous selection. Resolve once the event has come and been handled.
      const noticed = new Promise<void>((resolve) =>
        element.ownerDocument.addEventListener("selectionchange", () => requestAnimationFrame(() => resolve()), {
          once: true,
        }),
      );
      selection?.removeAllRanges();
      selection?.addRange(range);
      return noticed;
    }
    throw new Error(`"${wanted}" is not in one text node of the element`);
  }, phrase);
}
