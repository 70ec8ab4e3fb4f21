import type { ConnectionStatusValue } from "./derive.js";

/**
 * How long changes may wait for the server before the status says they do.
 * A keystroke is usually acknowledged within tens of milliseconds; saying "1
 * change waiting" for each would make the status flicker on every key.
 */
export const SHOW_WAITING_AFTER_MS = 500;

/**
 * Smooths the status a person sees: a change into `saving` ("N changes
 * waiting") shows only once it has lasted `delayMs`; until then the status
 * shown before stays (usually "All changes saved"). Every other change shows
 * at once, and so does the way out of `saving`. `unsyncedChanges` is always
 * the current count, so code that must know (the unsaved-changes warning,
 * tests) is never misled.
 */
export class StatusSettler {
  private shown: ConnectionStatusValue | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = false;

  /** `onDue` is called when a held `saving` status is due to show: call {@link settle} again then. */
  constructor(
    private readonly onDue: () => void,
    private readonly delayMs = SHOW_WAITING_AFTER_MS,
  ) {}

  /** What to show for the current status `next`. */
  settle(next: ConnectionStatusValue): ConnectionStatusValue {
    const shown = this.shown;
    if (next.kind !== "saving" || shown === null || shown.kind === "saving" || this.due) {
      this.reset();
      this.shown = next;
      return next;
    }
    this.timer ??= setTimeout(() => {
      this.due = true;
      this.onDue();
    }, this.delayMs);
    return { ...shown, unsyncedChanges: next.unsyncedChanges };
  }

  private reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
  }

  destroy(): void {
    this.reset();
  }
}
