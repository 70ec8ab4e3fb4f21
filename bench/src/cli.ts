import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { allContenders, type ContenderName, cleanUpEverything } from "./contenders/index.js";
import { runBench } from "./run.js";
import { type ScenarioName, scenarioNames } from "./scenarios/index.js";

const usage = `pnpm bench [scenario…] [--smoke] [--only tandem,hocuspocus,y-websocket]

Runs the benchmark scenarios (all by default) and rewrites docs/benchmarks.md.
Scenarios: ${scenarioNames.join(", ")}
  --smoke   every scenario at tiny scale, nothing saved (what the test suite runs)
  --only    only these servers
Environment: DATABASE_URL (Postgres), BENCH_SEED (the durability scenario's kill times),
TANDEM_SERVER_CLI (another tandem-server build to measure), BENCH_CPU_PROF (a directory: each server
writes a V8 CPU profile there when it stops), BENCH_NODE_ARGS (node flags for every server, e.g.
"--v8-pool-size=1" to give the others what tandem-server picks for itself).`;

// Runs again, once, under a shell with two settings only a new process can take:
// - The idle scenario holds 10,000 sockets in this process: the soft file-descriptor
//   limit is raised to the hard one, which only a shell can do.
// - The generator's young generation is kept small. At V8's default here (it grew to
//   about 40 MB), its scavenges took 35–50 ms every second and a half at 2,000 updates/s
//   in many rooms, long enough that they, not the server, set every contender's p99
//   there; with 4 MB semi-spaces they take 1–8 ms, more often.
const GENERATOR_FLAGS = ["--max-semi-space-size=4"];
if (process.env.BENCH_REEXECUTED === undefined) {
  const result = spawnSync(
    "sh",
    [
      "-c",
      'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"',
      process.execPath,
      ...GENERATOR_FLAGS,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: "inherit", env: { ...process.env, BENCH_REEXECUTED: "1" } },
  );
  process.exit(result.status ?? 1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const unknown = positionals.filter((name) => !scenarioNames.includes(name as ScenarioName));
const contenders = values.only?.split(",").map((name) => name.trim()) as ContenderName[] | undefined;
const unknownContenders = contenders?.filter((name) => !allContenders.includes(name)) ?? [];
if (unknown.length > 0 || unknownContenders.length > 0) {
  process.stderr.write(`unknown: ${[...unknown, ...unknownContenders].join(", ")}\n\n${usage}\n`);
  process.exit(2);
}

// Ctrl-C (or a CI timeout) must not leave servers running or schemas behind.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping servers and dropping schemas…\n`);
    void cleanUpEverything().finally(() => process.exit(130));
  });
}

const started = Date.now();
const stamp = () => `[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`;
try {
  await runBench(positionals.length > 0 ? (positionals as ScenarioName[]) : scenarioNames, {
    smoke: values.smoke,
    ...(contenders ? { contenders } : {}),
    log: (message) => process.stdout.write(`${stamp()} ${message}\n`),
  });
  process.stdout.write(
    `${stamp()} done${values.smoke ? " (smoke: nothing saved)" : "; results in bench/results/, report in docs/benchmarks.md"}\n`,
  );
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `${stamp()} benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
