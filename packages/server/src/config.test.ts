import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { TandemServerError } from "./errors.js";

describe("loadConfig", () => {
  it("fills in defaults", () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({
      port: 1234,
      host: "0.0.0.0",
      dataDir: "./data",
      databaseSchema: "public",
      maxMessageBytes: 8 * 1024 * 1024,
      maxBufferedBytes: 16 * 1024 * 1024,
      maxQueuedBytes: 64 * 1024 * 1024,
      maxBytesPerSecond: 1024 * 1024,
      maxBurstBytes: 32 * 1024 * 1024,
      maxThrottledMs: 60_000,
      authTimeoutMs: 60_000,
      idleTimeoutMs: 60_000,
      maxUnauthenticatedBytes: 32 * 1024 * 1024,
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("reads the environment, and flags win over it", () => {
    const config = loadConfig(["--port", "9000", "--max-buffered-bytes", "1048576"], {
      PORT: "8000",
      MAX_BUFFERED_BYTES: "2048",
      MAX_QUEUED_BYTES: "4096",
      DATABASE_URL: "postgres://db/x",
      LOG_LEVEL: "warn",
      AUTH_SECRET: "",
      METRICS_TOKEN: "a-token-for-the-scraper",
    });
    expect(config).toMatchObject({
      port: 9000,
      databaseUrl: "postgres://db/x",
      logLevel: "warn",
      metricsToken: "a-token-for-the-scraper",
      maxBufferedBytes: 1024 * 1024,
      maxQueuedBytes: 4096,
    });
    expect(config.authSecret).toBeUndefined();
  });

  it("reads how much nicer V8's helper threads run: 10 unless told, 0 to 19", () => {
    expect(loadConfig([], {}).v8HelperNice).toBe(10);
    expect(loadConfig([], { V8_HELPER_NICE: "0" }).v8HelperNice).toBe(0);
    expect(loadConfig(["--v8-helper-nice", "19"], { V8_HELPER_NICE: "3" }).v8HelperNice).toBe(19);
    for (const bad of ["20", "-1", "2.5", "high"]) {
      expect(() => loadConfig([], { V8_HELPER_NICE: bad }), bad).toThrow(/v8HelperNice/);
    }
  });

  it("warms Yjs up before listening unless told not to", () => {
    expect(loadConfig([], {}).warmUp).toBe(true);
    expect(loadConfig([], { WARM_UP: "false" }).warmUp).toBe(false);
    expect(loadConfig(["--warm-up", "true"], { WARM_UP: "false" }).warmUp).toBe(true);
    expect(() => loadConfig([], { WARM_UP: "no" })).toThrow(/warmUp/);
  });

  it("reads the webhook settings; a flag is true or false, never any non-empty string", () => {
    expect(loadConfig([], {})).toMatchObject({
      webhookAllowPrivateAddresses: false,
      webhookTimeoutMs: 10_000,
      webhookMaxAttempts: 12,
      webhookRetryBaseMs: 30_000,
      webhookDebounceMs: 30_000,
      webhookPollMs: 1000,
    });
    expect(loadConfig([], { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true" }).webhookAllowPrivateAddresses).toBe(true);
    expect(loadConfig(["--webhook-allow-private-addresses", "false"], {}).webhookAllowPrivateAddresses).toBe(false);
    expect(() => loadConfig([], { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "yes" })).toThrow(/webhookAllowPrivateAddresses/);
    expect(() => loadConfig([], { WEBHOOK_TIMEOUT_MS: "600000" })).toThrow(/webhookTimeoutMs/);
  });

  it("names every bad setting", () => {
    try {
      loadConfig([], { PORT: "http", REDIS_URL: "localhost:6379", AUTH_SECRET: "short", METRICS_TOKEN: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TandemServerError);
      expect((error as TandemServerError).code).toBe("invalid-config");
      expect((error as Error).message).toMatch(/port/);
      expect((error as Error).message).toMatch(/redisUrl/);
      expect((error as Error).message).toMatch(/authSecret: must be at least 32/);
      expect((error as Error).message).toMatch(/metricsToken: must be at least 16/);
    }
  });

  it("refuses unknown flags", () => {
    expect(() => loadConfig(["--prot", "1"], {})).toThrow(/--help/);
  });
});
