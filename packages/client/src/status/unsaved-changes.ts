import { useEffect } from "react";
import type { TandemConnection } from "../provider/connection.js";

/**
 * Warns before the page closes (the browser's "Leave site?" dialog) while any
 * document on `connection` has edits the server has not acknowledged and that
 * are not kept on this device either. Acknowledged means stored durably, so
 * once the warning stops, closing loses nothing; edits kept on the device
 * (IndexedDB, see `keepOnDevice`) are sent when the page is next opened, so
 * closing it offline is no reason to ask. `<TandemProvider>` calls this
 * unless told not to.
 */
export function useUnsavedChangesWarning(connection: TandemConnection, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!connection.hasUnsyncedChanges() || connection.summary.get()?.keptOnDevice) return;
      event.preventDefault();
      // Older browsers show the dialog only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [connection, enabled]);
}
