import { readdirSync, readFileSync } from "node:fs";

// /proc/<pid>/stat counts CPU time in clock ticks; USER_HZ is 100 on Linux.
const MICROS_PER_TICK = 10_000;

function statFields(pid: number): string[] {
  return statFieldsAt(`/proc/${pid}/stat`);
}

function statFieldsAt(path: string): string[] {
  const stat = readFileSync(path, "utf8");
  // The command name may contain spaces and parentheses; the fields start after the last ")".
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** CPU time (user + system, every thread) a process has used so far, in microseconds. */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
}

/** Resident memory of a process now (VmRSS) and at its peak so far (VmHWM), in bytes. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/**
 * CPU time used by every Postgres process on the machine, in microseconds:
 * live backends plus what exited backends left in the postmaster's
 * children counters. Machine-wide, so other Postgres clients count too.
 */
export function postgresCpuMicros(): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      if (comm !== "postgres") continue;
      const fields = statFields(Number(entry));
      ticks += Number(fields[11]) + Number(fields[12]);
      // The postmaster (its parent is init or a supervisor, not another postgres) collects exited backends.
      if (fields[1] === "1") ticks += Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks * MICROS_PER_TICK;
}

/** CPU time the calling thread has used so far, in microseconds (a worker thread's own, unlike {@link ownCpuMicros}). */
export function threadCpuMicros(): number {
  const fields = statFieldsAt("/proc/thread-self/stat");
  return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
}

/** CPU time this process has used so far, in microseconds. */
export function ownCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
