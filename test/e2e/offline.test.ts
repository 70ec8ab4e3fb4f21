import { DocumentFields } from "@tandem/protocol";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { storedDoc } from "../support/server-harness.js";
import { type Person, waitTimeoutMs } from "./support/browser.js";
import { useStage } from "./support/stage.js";
import {
  arriveAsNewVisitor,
  createSpecByApi,
  paragraphAfter,
  rewriteParagraph,
  textWithoutCarets,
  waitForSaved,
} from "./support/tandem-page.js";

/** The status line of the page: its kind (`data-status`), unacknowledged count and label. */
async function status(page: Page): Promise<{ kind: string | null; unsynced: string | null; label: string | null }> {
  const element = page.getByTestId("connection-status");
  return {
    kind: await element.getAttribute("data-status"),
    unsynced: await element.getAttribute("data-unsynced"),
    label: await element.locator(".tandem-status__label").textContent(),
  };
}

const waitingOnDevice = /^Offline – \d+ changes? waiting, kept on this device$/;

/** The ids of the people a page shows as here. */
function presentIds(page: Page): Promise<(string | null)[]> {
  return page
    .getByTestId("presence-avatar")
    .evaluateAll((avatars) => avatars.map((avatar) => avatar.getAttribute("data-user-id")).sort());
}

/** The names of the IndexedDB databases the client kit keeps on this page's device. */
function keptDatabases(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    (await indexedDB.databases()).flatMap(({ name }) => (name?.startsWith("tandem-v1/") ? [name] : [])),
  );
}

/**
 * Waits until every write the page has started on the kit's databases is
 * done: a transaction over a store runs only after the ones started on it
 * before, so a read of each store waits for them.
 */
async function flushKeptDatabases(page: Page): Promise<void> {
  await page.evaluate(
    async (names) => {
      for (const name of names) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        await new Promise<void>((resolve, reject) => {
          const transaction = db.transaction(["updates", "custom"], "readonly");
          transaction.objectStore("updates").count();
          transaction.oncomplete = () => resolve();
          transaction.onerror = () => reject(transaction.error);
        });
        db.close();
      }
    },
    await keptDatabases(page),
  );
}

/**
 * Offline in a real Chromium: playwright's `setOffline` fires the page's
 * offline event and cuts its network, as a lost Wi-Fi does.
 */
describe("offline on the standalone page", () => {
  const stage = useStage();

  const arrive = (label: string, document: string, name: string, color: string) =>
    arriveAsNewVisitor(stage.cast, label, stage.server.url, document, { name, color });
  const saved = (person: Person) => waitForSaved(person.page);

  it("says Offline when the browser is, others stop seeing the person, and back online it all arrives", async () => {
    const document = await createSpecByApi(stage.server.url, "Offline drill");
    const ada = await arrive("ada-offline", document, "Ada Lovelace", "blue");
    const grace = await arrive("grace-offline", document, "Grace Hopper", "purple");
    await expect.poll(() => presentIds(grace.page), { timeout: waitTimeoutMs }).toHaveLength(2);
    const both = await presentIds(grace.page);
    const graceOnly = await grace.page
      .getByTestId("presence-avatar")
      .and(grace.page.locator('[data-state="you"]'))
      .getAttribute("data-user-id");

    await ada.context.setOffline(true);
    await expect
      .poll(() => status(ada.page), { timeout: waitTimeoutMs })
      .toMatchObject({ kind: "offline", label: "Offline" });
    // The page closed its socket, so the server dropped Ada's presence at once.
    await expect.poll(() => presentIds(grace.page), { timeout: waitTimeoutMs }).toEqual([graceOnly]);

    await rewriteParagraph(ada.page, "Summary", "written on a train");
    await expect.poll(async () => (await status(ada.page)).label, { timeout: waitTimeoutMs }).toMatch(waitingOnDevice);

    await ada.context.setOffline(false);
    await Promise.all([saved(ada), saved(grace)]);
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(grace.page, "Summary")), { timeout: waitTimeoutMs })
      .toBe("written on a train");
    await expect.poll(() => presentIds(grace.page), { timeout: waitTimeoutMs }).toEqual(both);
  });

  it("keeps edits made offline through a reload while offline, and sends them once online", async () => {
    const document = await createSpecByApi(stage.server.url, "Offline reload");
    const ada = await arrive("ada-reload", document, "Ada Lovelace", "blue");
    const grace = await arrive("grace-reload", document, "Grace Hopper", "purple");
    // The page opens offline through its service worker (examples/web/public/sw.js), once it controls the page.
    await ada.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: waitTimeoutMs,
    });

    await ada.context.setOffline(true);
    await rewriteParagraph(ada.page, "Summary", "kept on this laptop");
    await expect.poll(async () => (await status(ada.page)).label, { timeout: waitTimeoutMs }).toMatch(waitingOnDevice);
    await flushKeptDatabases(ada.page);

    // Reloaded with the network still cut: the page, who Ada is and the text all come from this device.
    const response = await ada.page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(ada.page, "Summary")), { timeout: waitTimeoutMs })
      .toBe("kept on this laptop");
    // It says how much waits, and never "saved" before the server has it.
    await expect.poll(async () => (await status(ada.page)).label, { timeout: waitTimeoutMs }).toMatch(waitingOnDevice);

    await ada.context.setOffline(false);
    await expect
      .poll(() => textWithoutCarets(paragraphAfter(grace.page, "Summary")), { timeout: waitTimeoutMs })
      .toBe("kept on this laptop");
    await Promise.all([saved(ada), saved(grace)]);
    const stored = (await storedDoc(stage.server.schema, document)).getXmlFragment(DocumentFields.content).toString();
    expect(stored).toContain("kept on this laptop");
  });

  it("deletes what it kept on this device when the person signs out", async () => {
    const document = await createSpecByApi(stage.server.url, "Shared laptop");
    const ada = await arrive("ada-sign-out", document, "Ada Lovelace", "blue");
    await rewriteParagraph(ada.page, "Summary", "not for the next person");
    await saved(ada);
    // The content and the comments, each in a database of its own.
    expect(await keptDatabases(ada.page)).toHaveLength(2);

    await ada.page.getByTestId("sign-out").click();
    await ada.page.getByTestId("profile-name").waitFor({ timeout: waitTimeoutMs });
    await expect.poll(() => keptDatabases(ada.page), { timeout: waitTimeoutMs }).toEqual([]);
  });
});
