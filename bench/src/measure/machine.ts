import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

/** Where a run happened: reported beside every number. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly postgres: string;
  /** 1-minute load average when the scenario started and ended. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

function cpuModel(): string {
  // os.cpus() reports "AMD EPYC" on some VMs; /proc/cpuinfo may say more.
  const fromProc = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  return (fromProc ?? cpus()[0]?.model ?? "unknown").trim();
}

export function describeMachine(postgresVersion: string, loadBefore: number): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: postgresVersion,
    loadBefore,
    loadAfter: loadavg()[0] ?? Number.NaN,
  };
}

/** The 1-minute load average now. */
export function currentLoad(): number {
  return loadavg()[0] ?? Number.NaN;
}
