import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A server started as a child process that announced its URL. */
export interface ListeningProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly wsUrl: string;
  /** The lines it wrote to stdout so far (for `tandem-server`, JSON log lines). */
  readonly stdout: readonly string[];
  /** What it wrote to stderr so far. */
  readonly stderr: readonly string[];
  /** Resolves with the exit code (or signal) once the process has exited and all it printed has been read. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Spawns `command` and resolves once it logs a JSON line with
 * `"msg":"listening"` and a `url`, the way `tandem-server` does (and the
 * benchmark's contender scripts imitate). Rejects if it exits first.
 */
export async function spawnListening(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  wsPath = "/collab",
): Promise<ListeningProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    // "close", not "exit": by then stdout and stderr are drained too, so what the process printed last is in.
    child.once("close", (code, signal) => resolve(signal ?? code)),
  );
  const stderr: string[] = [];
  const stdout: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      stdout.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "listening" && entry.url) resolve(entry.url);
      } catch {
        // not a log line
      }
    });
    exited.then(
      (code) => reject(new Error(`${command} exited (${String(code)}) before listening: ${stderr.join("")}`)),
      reject,
    );
  });
  return { child, url, wsUrl: `${url.replace(/^http/, "ws")}${wsPath}`, stdout, stderr, exited };
}
