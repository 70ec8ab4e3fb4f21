import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const tsxLoader = createRequire(import.meta.url).resolve("tsx");

/**
 * Starts a worker thread from a TypeScript module: it runs under tsx's
 * loader, as `pnpm bench` does, whoever started this process.
 */
export function typescriptWorker(module: URL, workerData: unknown): Worker {
  return new Worker(module, { execArgv: ["--import", tsxLoader], workerData });
}
