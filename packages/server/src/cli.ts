#!/usr/bin/env node
import { parseArgs } from "node:util";
import { parseAccessSpec } from "./auth/access.js";
import { signToken } from "./auth/identity.js";
import { loadConfig, settingsHelp } from "./config.js";
import { TandemServerError } from "./errors.js";
import { createTandemServer } from "./server.js";

const help = `tandem-server: Tandem's collaboration server

Usage:
  tandem-server [flags]            serve on PORT (default 1234)
  tandem-server token [options]    print a JWT signed with AUTH_SECRET
  tandem-server --help

Settings (flag, or environment variable):
${settingsHelp}

Token options:
  --sub ID            user id (required)
  --name NAME         display name (required)
  --color #rrggbb     presence colour
  --access SPEC       pattern=role[,pattern=role…], e.g. 'spec/*=editor,idea/*=viewer'
  --expires DURATION  lifetime, e.g. 1h, 7d (default 12h)

See docs/server.md.`;

async function printToken(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sub: { type: "string" },
      name: { type: "string" },
      color: { type: "string" },
      access: { type: "string", default: "*=editor" },
      expires: { type: "string", default: "12h" },
      "auth-secret": { type: "string" },
    },
  });
  const secret = values["auth-secret"] ?? process.env.AUTH_SECRET;
  if (!secret) throw new TandemServerError("invalid-config", "token needs AUTH_SECRET (or --auth-secret)");
  if (!values.sub || !values.name) throw new TandemServerError("invalid-config", "token needs --sub and --name");
  const token = await signToken(
    secret,
    {
      sub: values.sub,
      name: values.name,
      access: parseAccessSpec(values.access),
      ...(values.color ? { color: values.color } : {}),
    },
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  const server = createTandemServer(config);
  const { url, storage } = await server.listen();
  const where = storage === "pglite" ? `PGlite in ${config.dataDir}` : `Postgres (schema ${config.databaseSchema})`;
  process.stderr.write(
    `\n  Tandem is running at ${url}  ·  storage: ${where}${config.redisUrl ? "  ·  Redis scale-out on" : ""}\n\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n  ${signal}: shutting down…\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`  shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

const [command, ...rest] = process.argv.slice(2);
const run =
  command === "--help" || command === "-h"
    ? async () => void process.stdout.write(`${help}\n`)
    : command === "token"
      ? () => printToken(rest)
      : () => serve(process.argv.slice(2));

run().catch((error: unknown) => {
  process.stderr.write(`tandem-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof TandemServerError && error.code === "invalid-config" ? 2 : 1);
});
