import type { ReactNode } from "react";
import { useTandemConnection } from "../provider/TandemProvider.js";
import { useConnectionStatus } from "./useConnectionStatus.js";

/** Props of {@link ConnectionStatus}. */
export interface ConnectionStatusProps {
  /** A document name for its save state; without one, the state of everything open. */
  readonly document?: string;
  readonly className?: string;
}

/**
 * A small save indicator: a coloured dot and a label ("All changes saved",
 * "2 changes waiting", "Offline"), with a "Try again" button when the
 * connection stopped. Announced politely to screen readers; for tests it
 * carries `data-testid="connection-status"` and `data-status` (the kind).
 *
 * @example
 * ```tsx
 * <ConnectionStatus document="spec/42" />
 * ```
 */
export function ConnectionStatus({ document, className }: ConnectionStatusProps): ReactNode {
  const connection = useTandemConnection();
  const status = useConnectionStatus(document);
  const canRetry = status.kind === "error" || status.kind === "offline";
  return (
    <div
      role="status"
      aria-live="polite"
      className={["tandem-status", `tandem-status--${status.kind}`, className].filter(Boolean).join(" ")}
      data-testid="connection-status"
      data-status={status.kind}
      data-unsynced={status.unsyncedChanges}
    >
      <span className="tandem-status__dot" aria-hidden="true" />
      <span className="tandem-status__label">{status.label}</span>
      {canRetry ? (
        <button type="button" className="tandem-status__retry" onClick={() => connection.reconnect()}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
