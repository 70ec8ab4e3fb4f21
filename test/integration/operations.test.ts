import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createAuthenticator } from "@tandem/server";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl, dropSchema, freshSchemaName } from "../support/postgres.js";
import {
  serverCli as cli,
  connect,
  metric,
  startServer,
  startServerProcess,
  synced,
} from "../support/server-harness.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { waitFor } from "../support/wait.js";

describe("operating the server", () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it("serves health, readiness and Prometheus metrics", async () => {
    const server = await startServer();
    schemas.push(server.schema);
    const writer = connect(server.wsUrl, "spec/metrics");
    const reader = connect(server.wsUrl, "spec/metrics");
    try {
      await Promise.all([synced(writer), synced(reader)]);
      writer.text.insert(0, "counted");
      await writer.acknowledged();
      await waitFor(() => reader.text.toString() === "counted", "the reader gets the update");
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready", storage: "postgres" });
      const sample = (name: string) => metric(server.url, name);
      expect(await sample("tandem_connections")).toBe(2);
      expect(await sample("tandem_documents_loaded")).toBe(1);
      // Both clients' first sync steps add nothing, so the one edit is the one append.
      expect(await sample("tandem_updates_in_total")).toBe(1);
      expect(await sample("tandem_append_seconds_count")).toBe(1);
      expect(await sample("tandem_appends_in_flight")).toBe(0);
      expect(await sample("tandem_commit_batch_updates_count")).toBeGreaterThanOrEqual(1);
      expect(await sample("tandem_updates_out_total")).toBeGreaterThanOrEqual(1); // the broadcast to the reader
      expect(await sample("tandem_bytes_in_total")).toBeGreaterThan(0);
      expect(await sample("tandem_bytes_out_total")).toBeGreaterThan(0);
    } finally {
      writer.destroy();
      reader.destroy();
      await server.close();
    }
  });

  it("serves /metrics only with the bearer token when METRICS_TOKEN is set", async () => {
    const token = "a-metrics-token-for-the-scraper";
    const server = await startServer({ metricsToken: token });
    schemas.push(server.schema);
    try {
      const scrape = (authorization?: string) =>
        fetch(`${server.url}/metrics`, authorization === undefined ? {} : { headers: { authorization } });
      for (const authorization of [undefined, "Bearer wrong-token", `Basic ${token}`, `Bearer ${token}x`]) {
        const refused = await scrape(authorization);
        expect(refused.status, String(authorization)).toBe(401);
        expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
      }
      const allowed = await scrape(`Bearer ${token}`);
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/^tandem_connections 0$/m);
      // Health and readiness stay open: orchestrators probe them without credentials.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("shuts down gracefully on SIGTERM: clients get 4503, the process exits 0, edits are kept", async () => {
    const schema = freshSchemaName("term");
    schemas.push(schema);
    const server = await startServerProcess({ DATABASE_SCHEMA: schema });
    // The process node started, started again by itself with the young generation's size, V8's pool of helper
    // threads for the CPUs it may use, no pretenuring, the old generation's floor and V8's collector exposed
    // (node-flags.ts): the same pid, so the signals below reach the server.
    const flags = readFileSync(`/proc/${server.child.pid}/cmdline`, "utf8").split("\0");
    expect(flags).toContain("--max-semi-space-size=16");
    expect(flags).toContain("--no-allocation-site-pretenuring");
    expect(flags).toContain("--initial-old-space-size=256");
    expect(flags).toContain("--expose-gc");
    expect(flags.filter((flag) => /^--v8-pool-size=[1-4]$/.test(flag))).toHaveLength(1);
    // Once it listens, V8's helper threads run 10 nicer than the thread that serves clients (v8-helper-priority.ts).
    // The server logs that it listens a moment before it makes them nicer, hence the wait.
    const nices = helperNices(server.child.pid);
    expect(nices.helpers.length).toBeGreaterThan(0);
    const nicer = Math.min(19, nices.main + 10);
    await waitFor(
      () => helperNices(server.child.pid).helpers.every((nice) => nice === nicer),
      "V8's helper threads 10 nicer",
    );
    // What tools parse, and what people read.
    const logged = server.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((entry) => entry.msg === "listening")).toMatchObject({ url: server.url, storage: "postgres" });
    // Yjs' code warmed before the first client can come (yjs-warm-up.ts).
    const warmedAt = logged.findIndex((entry) => entry.msg === "warmed Yjs up before listening");
    expect(warmedAt).toBeGreaterThanOrEqual(0);
    expect(warmedAt).toBeLessThan(logged.findIndex((entry) => entry.msg === "listening"));
    expect(logged[warmedAt]?.ms).toEqual(expect.any(Number));
    expect(logged.some((entry) => entry.level === 40 && String(entry.msg).includes("DEV MODE"))).toBe(true);
    expect(logged.some((entry) => String(entry.msg).startsWith("running without node flags"))).toBe(false);
    // The banner goes to stderr, a pipe of its own: it may arrive after the listening log on stdout.
    await waitFor(() => server.stderr.join("").includes(`Tandem is running at ${server.url}`), "the banner");
    expect(server.stderr.join("")).toContain(`storage: Postgres (schema ${schema})`);
    const client = connect(server.wsUrl, "spec/term");
    await synced(client);
    client.text.insert(0, "before shutdown");
    await client.acknowledged();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    await waitFor(() => client.closeCodes.includes(4503), "client told the server is shutting down");
    client.destroy();
    const again = await startServerProcess({ DATABASE_SCHEMA: schema, V8_HELPER_NICE: "0", WARM_UP: "false" });
    const reader = connect(again.wsUrl, "spec/term");
    await synced(reader);
    expect(reader.text.toString()).toBe("before shutdown");
    // Told not to, it does not warm Yjs up.
    expect(again.stdout.some((line) => line.includes("warmed Yjs up"))).toBe(false);
    // Told 0, it leaves them at its own priority (checked after it served a client, so after it would have acted).
    const kept = helperNices(again.child.pid);
    expect(kept.helpers.length).toBeGreaterThan(0);
    expect(kept.helpers.every((nice) => nice === kept.main)).toBe(true);
    reader.destroy();
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("warns when this Node cannot start it again with its node flags, and names them", async () => {
    const schema = freshSchemaName("flags");
    schemas.push(schema);
    // As on a Node without process.execve (before 22.15, or on Windows).
    const server = await startServerProcess({
      DATABASE_SCHEMA: schema,
      NODE_OPTIONS: "--import=data:text/javascript,process.execve=undefined",
    });
    try {
      const warning = () =>
        server.stdout
          .map((line) => JSON.parse(line) as { level: number; msg: string; missing?: string[] })
          .find((entry) => entry.msg.startsWith("running without node flags"));
      await waitFor(() => warning() !== undefined, "the warning");
      expect(warning()).toMatchObject({ level: 40 });
      expect(warning()?.missing).toEqual([
        "--max-semi-space-size=16",
        expect.stringMatching(/^--v8-pool-size=[1-4]$/),
        "--no-allocation-site-pretenuring",
        "--initial-old-space-size=256",
        "--expose-gc",
      ]);
      expect(readFileSync(`/proc/${server.child.pid}/cmdline`, "utf8")).not.toContain("--max-semi-space-size");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("exits non-zero when pending edits cannot be flushed in time", async () => {
    const schema = freshSchemaName("flush");
    schemas.push(schema);
    const postgres = new URL(databaseUrl);
    const proxy = await startTcpProxy(postgres.hostname, Number(postgres.port || 5432));
    try {
      const proxied = new URL(databaseUrl);
      proxied.host = proxy.address;
      const server = await startServerProcess({
        DATABASE_URL: proxied.toString(),
        DATABASE_SCHEMA: schema,
        SHUTDOWN_TIMEOUT_MS: "500",
      });
      const client = connect(server.wsUrl, "spec/partition");
      await synced(client);
      proxy.freeze(); // Postgres is still there, but nothing reaches it any more
      client.text.insert(0, "never committed");
      await waitFor(async () => (await metric(server.url, "tandem_appends_in_flight")) === 1, "an append waits");
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(1);
      expect(server.stderr.join("")).toMatch(/could not flush pending edits/);
      expect(client.closeCodes).toContain(4503);
      expect(client.provider.hasUnsyncedChanges).toBe(true); // and it was never acknowledged
      client.destroy();
    } finally {
      await proxy.close();
    }
  });

  it("prints tokens that the server accepts", async () => {
    const secret = "a-cli-test-secret-that-is-long-enough!!";
    const result = spawnSync(
      process.execPath,
      [cli, "token", "--sub", "u1", "--name", "Ada", "--access", "spec/*=editor"],
      {
        env: { ...process.env, AUTH_SECRET: secret },
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    const identity = await createAuthenticator(secret).authenticate(result.stdout.trim());
    expect(identity).toMatchObject({ id: "u1", name: "Ada", access: { "spec/*": "editor" }, program: false });
    const bot = spawnSync(
      process.execPath,
      [cli, "token", "--sub", "reviewer", "--name", "Reviewer", "--program", "--access", "spec/*=commenter"],
      { env: { ...process.env, AUTH_SECRET: secret }, encoding: "utf8" },
    );
    expect(bot.status).toBe(0);
    expect(await createAuthenticator(secret).authenticate(bot.stdout.trim())).toMatchObject({ program: true });
    const tenant = spawnSync(
      process.execPath,
      [cli, "token", "--sub", "grace", "--name", "Grace", "--tenant", "acme", "--access", "*=owner"],
      { env: { ...process.env, AUTH_SECRET: secret }, encoding: "utf8" },
    );
    expect(tenant.status).toBe(0);
    expect(await createAuthenticator(secret).authenticate(tenant.stdout.trim())).toMatchObject({ tenant: "acme" });
    expect(identity.tenant).toBe("default");
    const badTenant = spawnSync(
      process.execPath,
      [cli, "token", "--sub", "grace", "--name", "Grace", "--tenant", "Acme!", "--access", "*=owner"],
      { env: { ...process.env, AUTH_SECRET: secret }, encoding: "utf8" },
    );
    expect(badTenant.status).not.toBe(0);
    expect(badTenant.stderr).toMatch(/tenant/);
  });

  it("prints the token command's help, and points to it when an option is missing", () => {
    for (const flag of ["--help", "-h"]) {
      const help = spawnSync(process.execPath, [cli, "token", flag], { encoding: "utf8" });
      expect(help.status, flag).toBe(0);
      expect(help.stdout).toMatch(/^Usage: tandem-server token --sub ID --name NAME --access SPEC/);
      expect(help.stdout).toContain("roles: owner, editor, commenter, viewer");
    }
    const missing = spawnSync(process.execPath, [cli, "token", "--sub", "u1", "--name", "Ada"], {
      env: { ...process.env, AUTH_SECRET: "a-cli-test-secret-that-is-long-enough!!" },
      encoding: "utf8",
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--access.*--help/);
  });

  it("explains a bad setting and exits 2", () => {
    const result = spawnSync(process.execPath, [cli], {
      env: { ...process.env, PORT: "not-a-port" },
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid configuration/);
    expect(result.stderr).toMatch(/port/);
  });
});

/**
 * The nice value of a process's main thread and of each of its V8 helper threads. Linux keeps one per thread: the 19th
 * field of its stat (the thread's name before it holds no spaces here).
 */
function helperNices(pid: number | undefined): { main: number; helpers: number[] } {
  const niceOf = (tid: string) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(" ")[18]);
  const helpers = readdirSync(`/proc/${pid}/task`).filter(
    (tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim() === "V8Worker",
  );
  return { main: niceOf(String(pid)), helpers: helpers.map(niceOf) };
}
