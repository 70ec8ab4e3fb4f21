import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * How long a condition may take to show on a page, another person's edit or
 * a reconnect included: Playwright's action timeout, and the tests' polls.
 */
export const waitTimeoutMs = 15_000;

/** Where screenshots go: a test artifact, git-ignored. */
export const artifactsDir = join(import.meta.dirname, "..", "..", "..", "test-results", "e2e");

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path): path is string => path !== undefined && path !== "" && existsSync(path));
  if (!found) {
    throw new Error("Chromium not found: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.");
  }
  return found;
}

/**
 * Launches Debian's Chromium headless. The flags keep it from reaching for the
 * network at start (this machine's network is closed and the refusals slow it
 * down) and let it run as root in a container.
 */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A person: a browser context of their own (separate storage) with one page. */
export interface Person {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Opens a fresh context and page; browser console errors are forwarded to the test log. */
export async function newPerson(
  browser: Browser,
  label: string,
  viewport = { width: 1280, height: 800 },
): Promise<Person> {
  const context = await browser.newContext({ viewport });
  // Shorter than vitest's timeout, so that a failing test names the step that did not happen.
  context.setDefaultTimeout(waitTimeoutMs);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[${label}] page error:`, error));
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`[${label}] console:`, message.text());
  });
  return { context, page };
}

/**
 * The people of one test file, on one browser (launching one per test would
 * cost a second or more each). Closing the cast closes them and the browser.
 */
export class Cast {
  private readonly people: Person[] = [];
  private pageErrors: string[] = [];

  constructor(private readonly browser: Browser) {}

  /** A new person, in a browser context of their own. */
  async join(label: string, viewport?: { width: number; height: number }): Promise<Person> {
    const person = await newPerson(this.browser, label, viewport);
    person.page.on("pageerror", (error) => this.pageErrors.push(`[${label}] ${error.message}`));
    this.people.push(person);
    return person;
  }

  /** The uncaught page errors since the last call, labelled with whose page it was: a test should end with none. */
  takePageErrors(): string[] {
    const taken = this.pageErrors;
    this.pageErrors = [];
    return taken;
  }

  async close(): Promise<void> {
    for (const person of this.people) await person.context.close();
    await this.browser.close();
  }
}

/** Saves a screenshot under {@link artifactsDir}. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
