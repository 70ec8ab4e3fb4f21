import { useEffect, useReducer, useState } from "react";
import { useTandemConnection, useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import { type ConnectionStatusValue, deriveStatus } from "./derive.js";
import { StatusSettler } from "./settle.js";

/**
 * The save state of one document, or without a name of every document open
 * on the connection: connecting, connected, all changes saved, N changes
 * waiting, offline, or why the server refused. A save that takes less than
 * half a second does not show as "N changes waiting", so the
 * status does not flicker while someone types; `unsyncedChanges` is always
 * the current count.
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
  const [, showDue] = useReducer((renders: number) => renders + 1, 0);
  const [settler] = useState(() => new StatusSettler(showDue));
  useEffect(() => () => settler.destroy(), [settler]);
  return settler.settle(deriveStatus(connectionState, documentName ? documentState : summary));
}
