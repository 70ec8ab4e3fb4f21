import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisUrl } from "../../../../test/support/postgres.js";
import { waitFor } from "../../../../test/support/wait.js";
import { createLogger } from "../logger.js";
import { type InboxSignal, localInboxSignal, redisInboxSignal } from "./live.js";

describe("inbox signals", () => {
  const open: InboxSignal[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((signal) => signal.close()));
  });

  it("reach the listeners of the people named, and stop when asked (in one process)", () => {
    const signal = localInboxSignal();
    const heard: string[] = [];
    const stop = signal.watch("acme", "ada", () => heard.push("ada"));
    signal.watch("other", "ada", () => heard.push("other tenant"));
    signal.changed("acme", ["ada", "grace"]);
    stop();
    signal.changed("acme", ["ada"]);
    expect(heard).toEqual(["ada"]);
  });

  it("cross instances over Redis, and ignore whatever else is published on the channel", async () => {
    const prefix = `tandem-test-${randomBytes(4).toString("hex")}`;
    const logger = createLogger("silent");
    const [one, two] = [redisInboxSignal(redisUrl, prefix, logger), redisInboxSignal(redisUrl, prefix, logger)];
    open.push(one, two);
    const heard: string[] = [];
    two.watch("acme", "ada", () => heard.push("ada"));
    const intruder = new Redis(redisUrl);
    try {
      // Published until it arrives: the subscription is made in the background.
      await waitFor(async () => {
        await intruder.publish(`${prefix}:inbox`, "not json");
        await intruder.publish(`${prefix}:inbox`, JSON.stringify({ tenant: "acme", users: "ada" }));
        one.changed("acme", ["ada"]);
        await new Promise((resolve) => setImmediate(resolve));
        return heard.length > 0;
      }, "a signal from the other instance");
      expect(new Set(heard)).toEqual(new Set(["ada"]));
    } finally {
      intruder.disconnect();
    }
  });
});
