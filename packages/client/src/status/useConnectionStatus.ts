import { useTandemConnection, useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import { type ConnectionStatusValue, deriveStatus } from "./derive.js";

/**
 * The save state of one document, or without a name of every document open
 * on the connection: connecting, connected, all changes saved, N changes
 * waiting, offline, or why the server refused.
 *
 * @example
 * ```tsx
 * const status = useConnectionStatus("spec/42");
 * return <span title={status.label}>{status.kind === "saved" ? "✓" : "…"}</span>;
 * ```
 */
export function useConnectionStatus(documentName?: string): ConnectionStatusValue {
  const connection = useTandemConnection();
  const connectionState = useObservable(connection.state);
  const document = useTandemDocument(documentName);
  const documentState = useObservable(document?.state);
  const summary = useObservable(connection.summary);
  return deriveStatus(connectionState, documentName ? documentState : summary);
}
