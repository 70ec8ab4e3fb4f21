import { DocumentFields } from "@tandem/protocol";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import { type ServerProcess, startServerProcess, storedDoc } from "../support/server-harness.js";
import { Cast, launchBrowser, type Person, waitTimeoutMs } from "./support/browser.js";
import {
  arriveAsNewVisitor,
  createSpecByApi,
  editorText,
  paragraphAfter,
  rewriteParagraph,
  textWithoutCarets,
  waitForSaved,
} from "./support/tandem-page.js";

/**
 * The server is killed (SIGKILL: no goodbye, no flush) while two people type,
 * and started again on the same port and database, so the pages reconnect to
 * the URL they were loaded from.
 */
describe("a server restart while two people type", () => {
  const schema = freshSchemaName("e2e_restart");
  let server: ServerProcess;
  let cast: Cast;

  beforeAll(async () => {
    let browser: Browser;
    [server, browser] = await Promise.all([startServerProcess({ DATABASE_SCHEMA: schema }), launchBrowser()]);
    cast = new Cast(browser);
  });

  afterEach(() => {
    expect(cast.takePageErrors()).toEqual([]);
  });

  afterAll(async () => {
    await cast?.close();
    server?.child.kill("SIGKILL");
    await server?.exited;
    await dropSchema(schema);
  });

  const arrive = (label: string, document: string, name: string, color: string) =>
    arriveAsNewVisitor(cast, label, server.url, document, { name, color });
  const saved = (person: Person) => waitForSaved(person.page);

  it("reconnects both, loses nothing typed and ends saved", async () => {
    const document = await createSpecByApi(server.url, "Restart drill");
    const ada = await arrive("ada-restart", document, "Ada Lovelace", "blue");
    const grace = await arrive("grace-restart", document, "Grace Hopper", "purple");

    // Each writes in a paragraph of their own, and keeps the caret there.
    await Promise.all([
      rewriteParagraph(ada.page, "Summary", "ada-before "),
      rewriteParagraph(grace.page, "Problem", "grace-before "),
    ]);
    await Promise.all([saved(ada), saved(grace)]);

    // Kill the server while both type (a key every 20 ms: the typing spans the
    // restart), and start it again on the same port.
    const typing = Promise.all([
      ada.page.keyboard.type("ada-during-the-restart ", { delay: 20 }),
      grace.page.keyboard.type("grace-during-the-restart ", { delay: 20 }),
    ]);
    const port = new URL(server.url).port;
    server.child.kill("SIGKILL");
    expect(await server.exited).toBe("SIGKILL");
    for (const person of [ada, grace]) {
      await expect
        .poll(() => person.page.getByTestId("connection-status").getAttribute("data-status"), {
          timeout: waitTimeoutMs,
        })
        .not.toBe("saved");
    }
    server = await startServerProcess({ DATABASE_SCHEMA: schema, PORT: port });
    expect(new URL(server.url).port).toBe(port);
    await typing;

    // Once reconnected, both keep typing.
    await Promise.all([saved(ada), saved(grace)]);
    await Promise.all([ada.page.keyboard.type("ada-after"), grace.page.keyboard.type("grace-after")]);

    const summary = "ada-before ada-during-the-restart ada-after";
    const problem = "grace-before grace-during-the-restart grace-after";
    for (const person of [ada, grace]) {
      await expect
        .poll(
          async () => [
            await textWithoutCarets(paragraphAfter(person.page, "Summary")),
            await textWithoutCarets(paragraphAfter(person.page, "Problem")),
          ],
          { timeout: waitTimeoutMs },
        )
        .toEqual([summary, problem]);
    }
    await Promise.all([saved(ada), saved(grace)]);
    expect(await textWithoutCarets(editorText(ada.page))).toBe(await textWithoutCarets(editorText(grace.page)));

    // "Saved" means stored: the database holds everything both typed.
    const stored = (await storedDoc(schema, document)).getXmlFragment(DocumentFields.content).toString();
    expect(stored).toContain(summary);
    expect(stored).toContain(problem);
  });
});
