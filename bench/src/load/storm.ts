import type { Contender } from "../contenders/index.js";
import type { StormRequest, StormResult } from "./storm-thread.js";
import { typescriptWorker } from "./typescript-worker.js";

export type { StormResult } from "./storm-thread.js";

/**
 * Opens `clients` raw clients on `documentName` at once, in a thread of
 * their own (see storm-thread.ts for why), and resolves once each has its
 * sync step 2: the whole document, as the server sends it. A `background`
 * storm (load beside what is measured) runs at the lowest priority.
 */
export function storm(
  contender: Contender,
  documentName: string,
  clients: number,
  { background = false }: { readonly background?: boolean } = {},
): Promise<StormResult> {
  const request: StormRequest = {
    protocol: contender.protocol.name,
    baseUrl: contender.baseUrl,
    documentName,
    clients,
    background,
  };
  const worker = typescriptWorker(new URL("./storm-thread.ts", import.meta.url), request);
  return new Promise<StormResult>((resolve, reject) => {
    worker.once("message", (message: { result?: StormResult; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new Error(`storm of ${clients} on ${documentName}: ${message.error}`));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`storm thread exited with ${code} before it reported`)));
  }).finally(() => worker.terminate());
}
