import type { TandemServerConfig } from "@tandem/server";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { dropSchema } from "../../support/postgres.js";
import { type RunningServer, startServer } from "../../support/server-harness.js";
import { Cast, launchBrowser } from "./browser.js";

/** What a browser test works with: its server, and the people in its browser. */
/** The AUTH_SECRET of the browser tests that sign tokens (HS256 wants at least 32 characters). */
export const E2E_SECRET = "an-e2e-secret-that-is-long-enough-for-hs256";

export interface Stage {
  readonly server: RunningServer;
  readonly cast: Cast;
}

/**
 * Sets up a server (with `config`) and a browser for the enclosing describe
 * block, started before its tests and closed after them, and fails every
 * test on an uncaught error in any page. Read the fields inside hooks and tests.
 */
export function useStage(config: TandemServerConfig = {}): Stage {
  const stage = {} as { server: RunningServer; cast: Cast };
  beforeAll(async () => {
    const [server, browser] = await Promise.all([startServer(config), launchBrowser()]);
    stage.server = server;
    stage.cast = new Cast(browser);
  });
  afterEach(() => {
    expect(stage.cast.takePageErrors()).toEqual([]);
  });
  afterAll(async () => {
    await stage.cast?.close();
    await stage.server?.close();
    if (stage.server) await dropSchema(stage.server.schema);
  });
  return stage;
}
