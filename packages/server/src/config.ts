import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Extension } from "@hocuspocus/server";
import type { TandemStore } from "@tandem/persistence";
import { z } from "zod";
import { TandemServerError } from "./errors.js";
import type { HostRoutes } from "./http/app.js";
import type { Logger } from "./logger.js";

const MiB = 1024 * 1024;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
// Environment variables and flags are strings: "false" must not coerce to true.
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);
const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.join(" or ")}//`,
  );

/** The validated settings of a Tandem server; see docs/server.md for each. */
export const configSchema = z.object({
  port: port.default(1234),
  host: z.string().min(1).default("0.0.0.0"),
  databaseUrl: url(["postgres:", "postgresql:"]).optional(),
  databaseSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("public"),
  dataDir: z.string().min(1).default("./data"),
  redisUrl: url(["redis:", "rediss:"]).optional(),
  redisPrefix: z.string().min(1).default("tandem"),
  authSecret: z.string().min(32, "must be at least 32 characters (HS256 needs a 256-bit secret)").optional(),
  metricsToken: z.string().min(16, "must be at least 16 characters").optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  staticDir: z.string().optional(),
  maxMessageBytes: positiveInt.default(8 * MiB),
  maxBytesPerSecond: positiveInt.default(MiB),
  maxBurstBytes: positiveInt.default(32 * MiB),
  maxThrottledMs: positiveInt.default(60_000),
  authTimeoutMs: positiveInt.default(60_000),
  idleTimeoutMs: positiveInt.default(60_000),
  maxUnauthenticatedBytes: positiveInt.default(32 * MiB),
  maxBufferedBytes: positiveInt.default(16 * MiB),
  maxQueuedBytes: positiveInt.default(64 * MiB),
  shutdownTimeoutMs: positiveInt.default(10_000),
  versionAfterMs: positiveInt.default(10 * 60_000),
  versionPauseMs: positiveInt.default(60_000),
  webhookAllowPrivateAddresses: flag.default(false),
  webhookTimeoutMs: positiveInt.max(60_000).default(10_000),
  webhookMaxAttempts: positiveInt.max(50).default(12),
  webhookRetryBaseMs: positiveInt.default(30_000),
  webhookDebounceMs: positiveInt.default(30_000),
  webhookPollMs: positiveInt.default(1000),
  smtpUrl: url(["smtp:", "smtps:"]).optional(),
  mailFrom: z.string().min(3).max(320).optional(),
  publicUrl: url(["http:", "https:"]).optional(),
  digestDelayMs: positiveInt.default(5 * 60_000),
  digestPollMs: positiveInt.default(10_000),
  // Read by the `tandem-server` command alone (v8-helper-priority.ts): a
  // library has no business changing its host's threads.
  v8HelperNice: z.coerce.number().int().min(0).max(19).default(10),
  // Read by the `tandem-server` command alone (yjs-warm-up.ts): an embedding
  // host decides for itself what its start-up spends.
  warmUp: flag.default(true),
});

/**
 * Settings as given: every field optional, defaults filled in by
 * {@link resolveConfig}. Each mirrors an environment variable (see
 * docs/server.md); `store` and `logger` inject parts instead.
 */
export type TandemServerConfig = z.input<typeof configSchema> & {
  /**
   * A store to use instead of the one `databaseUrl`/`dataDir` describe, with
   * its webhook outbox and audit log (what `createPostgresStore` and
   * `createPGliteStore` open). The caller keeps it: the server does not close it.
   */
  readonly store?: TandemStore;
  /** A pino logger to use instead of a new one at `logLevel` on stdout. */
  readonly logger?: Logger;
  /**
   * The host's own Hocuspocus extensions, after Tandem's: at the same
   * priority they run after authentication, so `context.identity` is the
   * connection's verified identity.
   */
  readonly extensions?: readonly Extension[];
  /**
   * Mounts the host's own HTTP routes on the server's app, after Tandem's
   * and before the page's files (see {@link HostRoutes}).
   */
  readonly routes?: HostRoutes;
};
/** Settings after validation and defaults. */
export type ResolvedConfig = z.output<typeof configSchema>;

/** Validates `config`, filling in defaults. Throws `invalid-config` naming every bad field. */
export function resolveConfig(config: TandemServerConfig): ResolvedConfig {
  const result = configSchema.safeParse(config);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`);
    throw new TandemServerError("invalid-config", `invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}

/** Environment variable and flag for each setting. */
const settings = {
  port: ["PORT", "port"],
  host: ["HOST", "host"],
  databaseUrl: ["DATABASE_URL", "database-url"],
  databaseSchema: ["DATABASE_SCHEMA", "database-schema"],
  dataDir: ["DATA_DIR", "data-dir"],
  redisUrl: ["REDIS_URL", "redis-url"],
  redisPrefix: ["REDIS_PREFIX", "redis-prefix"],
  authSecret: ["AUTH_SECRET", "auth-secret"],
  metricsToken: ["METRICS_TOKEN", "metrics-token"],
  logLevel: ["LOG_LEVEL", "log-level"],
  staticDir: ["STATIC_DIR", "static-dir"],
  maxMessageBytes: ["MAX_MESSAGE_BYTES", "max-message-bytes"],
  maxBytesPerSecond: ["MAX_BYTES_PER_SECOND", "max-bytes-per-second"],
  maxBurstBytes: ["MAX_BURST_BYTES", "max-burst-bytes"],
  maxThrottledMs: ["MAX_THROTTLED_MS", "max-throttled-ms"],
  authTimeoutMs: ["AUTH_TIMEOUT_MS", "auth-timeout-ms"],
  idleTimeoutMs: ["IDLE_TIMEOUT_MS", "idle-timeout-ms"],
  maxUnauthenticatedBytes: ["MAX_UNAUTHENTICATED_BYTES", "max-unauthenticated-bytes"],
  maxBufferedBytes: ["MAX_BUFFERED_BYTES", "max-buffered-bytes"],
  maxQueuedBytes: ["MAX_QUEUED_BYTES", "max-queued-bytes"],
  shutdownTimeoutMs: ["SHUTDOWN_TIMEOUT_MS", "shutdown-timeout-ms"],
  versionAfterMs: ["VERSION_AFTER_MS", "version-after-ms"],
  versionPauseMs: ["VERSION_PAUSE_MS", "version-pause-ms"],
  webhookAllowPrivateAddresses: ["WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "webhook-allow-private-addresses"],
  webhookTimeoutMs: ["WEBHOOK_TIMEOUT_MS", "webhook-timeout-ms"],
  webhookMaxAttempts: ["WEBHOOK_MAX_ATTEMPTS", "webhook-max-attempts"],
  webhookRetryBaseMs: ["WEBHOOK_RETRY_BASE_MS", "webhook-retry-base-ms"],
  webhookDebounceMs: ["WEBHOOK_DEBOUNCE_MS", "webhook-debounce-ms"],
  webhookPollMs: ["WEBHOOK_POLL_MS", "webhook-poll-ms"],
  smtpUrl: ["SMTP_URL", "smtp-url"],
  mailFrom: ["MAIL_FROM", "mail-from"],
  publicUrl: ["PUBLIC_URL", "public-url"],
  digestDelayMs: ["DIGEST_DELAY_MS", "digest-delay-ms"],
  digestPollMs: ["DIGEST_POLL_MS", "digest-poll-ms"],
  v8HelperNice: ["V8_HELPER_NICE", "v8-helper-nice"],
  warmUp: ["WARM_UP", "warm-up"],
} as const satisfies Record<keyof ResolvedConfig, readonly [string, string]>;

/** `--help` text for the server's settings. */
export const settingsHelp = Object.entries(settings)
  .map(([, [env, flag]]) => `  --${flag.padEnd(26)} ${env}`)
  .join("\n");

/**
 * Reads settings from command-line flags, then the environment (flags win).
 * An empty environment variable counts as unset.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ResolvedConfig {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.values(settings).map(([, flag]) => [flag, { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new TandemServerError("invalid-config", `${(error as Error).message} (see --help)`);
  }
  const config: Record<string, unknown> = {};
  for (const [key, [envName, flag]] of Object.entries(settings)) {
    const value = flags[flag] ?? env[envName];
    if (value !== undefined && value !== "") config[key] = value;
  }
  return resolveConfig(config as TandemServerConfig);
}

/**
 * The directory served at `/` when none is configured: the built standalone
 * page when the package sits in the Tandem repository it comes from
 * (`packages/server` beside `examples/web`), else none (a small page says the
 * server is up). A host that installed the package gets no page of ours.
 *
 * @param packageRoot the server package's directory (for tests).
 */
export function defaultStaticDir(packageRoot = join(import.meta.dirname, "..")): string | undefined {
  const repository = resolve(packageRoot, "..", "..");
  const page = join(repository, "examples", "web", "dist");
  const inRepository =
    existsSync(join(repository, "pnpm-workspace.yaml")) &&
    existsSync(join(repository, "packages", "server", "package.json"));
  return inRepository && existsSync(join(page, "index.html")) ? page : undefined;
}
