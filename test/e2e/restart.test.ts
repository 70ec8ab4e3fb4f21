import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPGliteStore } from "@tandem/persistence";
import { DocumentFields } from "@tandem/protocol";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
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

/** Where the restarted server keeps its documents, and how the test reads them once it is gone. */
interface Storage {
  readonly kind: "postgres" | "pglite";
  /** Environment of the server process. */
  readonly env: Record<string, string>;
  /** The stored document, read by a store of the test's own (the server must be stopped for PGlite). */
  stored(document: string): Promise<Y.Doc>;
  remove(): Promise<void>;
}

function onPostgres(): Storage {
  const schema = freshSchemaName("e2e_restart");
  return {
    kind: "postgres",
    env: { DATABASE_SCHEMA: schema },
    stored: (document) => storedDoc(schema, document),
    remove: () => dropSchema(schema),
  };
}

/** `pnpm start`'s default: PGlite in a data directory, which only one process may open at a time. */
function onPGlite(): Storage {
  const dataDir = mkdtempSync(join(tmpdir(), "tandem-e2e-restart-"));
  return {
    kind: "pglite",
    env: { DATABASE_URL: "", DATA_DIR: dataDir },
    async stored(document) {
      const store = await createPGliteStore({ dataDir });
      try {
        const doc = new Y.Doc();
        await store.load(document, doc);
        return doc;
      } finally {
        await store.close();
      }
    },
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/**
 * The server is killed (SIGKILL: no goodbye, no flush) while two people type,
 * and started again on the same port and storage, so the pages reconnect to
 * the URL they were loaded from. On Postgres and on PGlite.
 */
describe.each([
  { name: "Postgres", storage: onPostgres },
  { name: "PGlite", storage: onPGlite },
])("a server restart while two people type, on $name", ({ storage: makeStorage }) => {
  const storage = makeStorage();
  let server: ServerProcess;
  let cast: Cast;

  /** Starts the server on `storage`, and checks it really uses it. */
  async function startOnStorage(env: Record<string, string> = {}): Promise<ServerProcess> {
    const started = await startServerProcess({ ...storage.env, ...env });
    const listening = started.stdout.map((line) => JSON.parse(line) as { msg?: string; storage?: string });
    expect(listening.find((entry) => entry.msg === "listening")?.storage).toBe(storage.kind);
    return started;
  }

  beforeAll(async () => {
    let browser: Browser;
    [server, browser] = await Promise.all([startOnStorage(), launchBrowser()]);
    cast = new Cast(browser);
  });

  afterEach(() => {
    expect(cast.takePageErrors()).toEqual([]);
  });

  afterAll(async () => {
    await cast?.close();
    server?.child.kill("SIGKILL");
    await server?.exited;
    await storage.remove();
  });

  const arrive = (label: string, document: string, name: string, color: string) =>
    arriveAsNewVisitor(cast, `${label} on ${storage.kind}`, server.url, document, { name, color });
  const saved = (person: Person) => waitForSaved(person.page);

  it("reconnects both, loses nothing typed and ends saved", async () => {
    const document = await createSpecByApi(server.url, "Restart drill");
    const ada = await arrive("ada-restart", document, "Ada Lovelace", "blue");
    const grace = await arrive("grace-restart", document, "Grace Hopper", "purple");

    // Each writes in a paragraph of their own, and keeps the caret there. One
    // after the other: when two people start typing into two empty paragraphs
    // at the same moment, the editor has (rarely, about 1 run in 10 under load)
    // put both texts in one paragraph before any restart; that is not what this
    // test is about, and its cause is still being looked for.
    const paragraphs = (person: Person) =>
      Promise.all([
        textWithoutCarets(paragraphAfter(person.page, "Summary")),
        textWithoutCarets(paragraphAfter(person.page, "Problem")),
      ]);
    await rewriteParagraph(ada.page, "Summary", "ada-before ");
    await saved(ada);
    await expect.poll(() => paragraphs(grace), { timeout: waitTimeoutMs }).toEqual(["ada-before ", ""]);
    await rewriteParagraph(grace.page, "Problem", "grace-before ");
    await saved(grace);
    // Checked before the restart too, so that text in the wrong place is not blamed on it.
    for (const person of [ada, grace]) {
      await expect.poll(() => paragraphs(person), { timeout: waitTimeoutMs }).toEqual(["ada-before ", "grace-before "]);
    }

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
    server = await startOnStorage({ PORT: port });
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

    // "Saved" means stored: killed once more, the server leaves everything both typed in the storage.
    server.child.kill("SIGKILL");
    await server.exited;
    const stored = (await storage.stored(document)).getXmlFragment(DocumentFields.content).toString();
    expect(stored).toContain(summary);
    expect(stored).toContain(problem);
  });
});
