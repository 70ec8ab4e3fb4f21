import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signToken } from "@tandem/server";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";
import { startReceiver } from "../support/webhook-receiver.js";

const secret = randomBytes(32).toString("hex");

describe("webhooks across a SIGKILL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tandem-webhooks-"));
  const processes: ServerProcess[] = [];
  const closing: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const process of processes) process.child.kill("SIGKILL");
    await Promise.all(processes.map((process) => process.exited));
    await Promise.all(closing.map((close) => close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("deliveries queued when the server is killed are sent after the restart, each acknowledged exactly once", async () => {
    let receiverUp = false;
    const target = await startReceiver(() => (receiverUp ? 204 : 503));
    closing.push(target.close);
    // PGlite, the default store, in a directory of its own; retries far enough apart that none is under way at the kill.
    const env = {
      DATABASE_URL: "",
      DATA_DIR: dataDir,
      AUTH_SECRET: secret,
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true",
      WEBHOOK_RETRY_BASE_MS: "10000",
      WEBHOOK_POLL_MS: "100",
    };
    const owner = await signToken(secret, { sub: "olive", name: "Olive", access: { "*": "owner" } });
    const call = async (url: string, path: string, method = "GET", body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${owner}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, json: await response.json() };
    };

    const first = await startServerProcess(env);
    processes.push(first);
    const subscription = await call(first.url, "/api/webhooks", "POST", {
      url: target.url,
      events: ["document.created"],
    });
    expect(subscription.status).toBe(201);
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await call(first.url, "/api/documents", "POST", { kind: "spec", title: `Queued ${i}` });
      expect(created.status).toBe(201);
      names.push(created.json.name);
    }
    const deliveries = async (url: string) =>
      (await call(url, `/api/webhooks/${subscription.json.id}/deliveries`)).json.deliveries as Array<{
        status: string;
        attempts: Array<{ statusCode: number | null }>;
      }>;
    // Every delivery tried once, refused, and recorded as due again: queued, and no attempt under way.
    await waitFor(
      async () => {
        const listed = await deliveries(first.url);
        return listed.length === 5 && listed.every((each) => each.status === "pending" && each.attempts.length === 1);
      },
      "five refused first attempts, recorded",
      60_000,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    expect(target.acknowledged()).toEqual([]);

    receiverUp = true;
    const second = await startServerProcess(env);
    processes.push(second);
    await waitFor(() => target.acknowledged().length === 5, "the five queued events, after the restart", 120_000);
    // One more event, sent after the five were acknowledged: by then, any second send of them would have happened.
    const later = await call(second.url, "/api/documents", "POST", { kind: "spec", title: "Later" });
    await waitFor(() => target.acknowledged().length >= 6, "the event after the restart", 60_000);

    const acknowledged = target.acknowledged();
    expect(acknowledged.map(({ event }) => event.data.document).sort()).toEqual([...names, later.json.name].sort());
    expect(new Set(acknowledged.map(({ id }) => id)).size).toBe(6);
    for (const delivery of await deliveries(second.url)) {
      expect(delivery.status).toBe("delivered");
      expect(delivery.attempts.filter((attempt) => attempt.statusCode === 204)).toHaveLength(1);
    }
    // Two PGlite servers start one after the other: on a busy machine, each can take tens of seconds.
  }, 300_000);
});
