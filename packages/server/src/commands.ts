// The commands of `tandem-server` (serve, token, backup, restore), which cli.ts runs.
import { availableParallelism } from "node:os";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { parseAccessSpec } from "./auth/access.js";
import { signToken } from "./auth/identity.js";
import { backupCommand, backupHelp, restoreCommand } from "./backup-commands.js";
import { loadConfig, settingsHelp } from "./config.js";
import { TandemServerError } from "./errors.js";
import { createLogger } from "./logger.js";
import { missingFlags } from "./node-flags.js";
import { createTandemServer } from "./server.js";
import { niceV8Helpers } from "./v8-helper-priority.js";
import { warmUpYjs } from "./yjs-warm-up.js";

const tokenHelp = `Usage: tandem-server token --sub ID --name NAME --access SPEC [options]

Prints a JWT signed with AUTH_SECRET (HS256), for the page's /#token=… link or a client.

  --sub ID            user id (required)
  --name NAME         display name (required)
  --access SPEC       pattern=role[,pattern=role…] (required), e.g. 'spec/*=editor,idea/*=viewer'
                      roles: owner, editor, commenter, viewer; '*' matches any run of characters
  --color #rrggbb     presence colour (default: derived from --sub)
  --program           the subject is a program (a bot, an assistant): presence labels it so
  --tenant ID         the organisation it belongs to (lowercase letters, digits, inner hyphens);
                      it then sees only that tenant's documents, webhooks and audit log (default: none,
                      the default tenant)
  --expires DURATION  lifetime, e.g. 30m, 1h, 7d (default 12h)
  --auth-secret S     instead of AUTH_SECRET

Examples:
  AUTH_SECRET=… tandem-server token --sub ada --name "Ada Lovelace" --access '*=editor'
  AUTH_SECRET=… tandem-server token --sub reviewer --name "Spec reviewer" --program --access 'spec/*=commenter'
  AUTH_SECRET=… tandem-server token --sub grace --name "Grace Hopper" --tenant acme --access '*=owner'`;

const help = `tandem-server: Tandem's collaboration server

Usage:
  tandem-server [flags]            serve on PORT (default 1234)
  tandem-server token [options]    print a JWT signed with AUTH_SECRET (tandem-server token --help)
  tandem-server backup FILE        back up the PGlite data directory (tandem-server backup --help)
  tandem-server restore FILE       restore it into an empty data directory
  tandem-server --help

Settings (flag, or environment variable):
${settingsHelp}

${tokenHelp}

${backupHelp}

Exit codes: 0 after a clean shutdown, 1 when the server failed or could not
flush pending edits, 2 for bad settings. See docs/server.md.`;

const asksForHelp = (argv: readonly string[]) => argv.includes("--help") || argv.includes("-h");

function parse(argv: string[], options: ParseArgsOptionsConfig) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new TandemServerError("invalid-config", `${(error as Error).message} (see --help)`);
  }
}

async function printToken(argv: string[]): Promise<void> {
  const flags = parse(argv, {
    sub: { type: "string" },
    name: { type: "string" },
    color: { type: "string" },
    program: { type: "boolean", default: false },
    tenant: { type: "string" },
    access: { type: "string" },
    expires: { type: "string", default: "12h" },
    "auth-secret": { type: "string" },
  });
  const values = flags as Record<string, string | undefined>;
  const secret = values["auth-secret"] ?? process.env.AUTH_SECRET;
  if (!secret) throw new TandemServerError("invalid-config", "token needs AUTH_SECRET (or --auth-secret)");
  if (!values.sub || !values.name || !values.access) {
    throw new TandemServerError("invalid-config", "token needs --sub, --name and --access (see --help)");
  }
  const token = await signToken(
    secret,
    {
      sub: values.sub,
      name: values.name,
      access: parseAccessSpec(values.access),
      ...(values.color ? { color: values.color } : {}),
      ...(values.tenant ? { tenant: values.tenant } : {}),
      program: flags.program === true,
    },
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  const logger = createLogger(config.logLevel);
  // A safety net, not a code path: Hocuspocus runs some hooks without
  // awaiting them, and a failure there must be seen, not end the process.
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));

  const server = createTandemServer({ ...config, logger });
  if (config.warmUp) logger.info({ ms: Math.round(warmUpYjs()) }, "warmed Yjs up before listening");
  const { url, storage } = await server.listen();
  niceV8Helpers(config.v8HelperNice);
  // The CLI starts itself again with these (restart-with-node-flags.ts) where Node can (process.execve).
  const missing = missingFlags(process.execArgv, process.env.NODE_OPTIONS, availableParallelism());
  if (missing.length > 0) {
    logger.warn(
      { missing },
      "running without node flags tandem-server sets for its latency under load: this Node cannot start itself again " +
        "with them (process.execve: Node 22.15 or later, not on Windows); give them to node yourself (docs/operations.md)",
    );
  }
  const where = storage === "pglite" ? `PGlite in ${config.dataDir}` : `Postgres (schema ${config.databaseSchema})`;
  const notes = [
    config.redisUrl ? "Redis scale-out on" : undefined,
    config.authSecret ? undefined : "DEV MODE: no AUTH_SECRET, anyone can edit",
  ].filter((note) => note !== undefined);
  process.stderr.write(
    `\n  Tandem is running at ${url}\n  storage: ${where}\n${notes.map((n) => `  ${n}\n`).join("")}\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the operator does not want to wait.
      process.stderr.write(`  ${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`\n  ${signal}: shutting down…\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`  shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Subcommands: each with its help text and what it runs on its arguments. */
const commands: Record<string, { help: string; run: (argv: string[]) => Promise<void> }> = {
  token: { help: tokenHelp, run: printToken },
  backup: { help: backupHelp, run: (argv) => backupCommand(argv, process.env) },
  restore: { help: backupHelp, run: (argv) => restoreCommand(argv, process.env) },
};

const argv = process.argv.slice(2);
const command = argv[0] !== undefined && Object.hasOwn(commands, argv[0]) ? commands[argv[0]] : undefined;
const run =
  command !== undefined
    ? asksForHelp(argv.slice(1))
      ? async () => void process.stdout.write(`${command.help}\n`)
      : () => command.run(argv.slice(1))
    : asksForHelp(argv)
      ? async () => void process.stdout.write(`${help}\n`)
      : () => serve(argv);

run().catch((error: unknown) => {
  process.stderr.write(`tandem-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof TandemServerError && error.code === "invalid-config" ? 2 : 1);
});
