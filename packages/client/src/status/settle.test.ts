import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectionStatusValue } from "./derive.js";
import { SHOW_WAITING_AFTER_MS, StatusSettler } from "./settle.js";

const saved: ConnectionStatusValue = {
  kind: "saved",
  label: "All changes saved",
  unsyncedChanges: 0,
  keptOnDevice: false,
  retryAt: null,
  closeCode: null,
  readOnly: false,
};
const waiting = (count: number): ConnectionStatusValue => ({
  ...saved,
  kind: "saving",
  label: `${count} changes waiting`,
  unsyncedChanges: count,
});

describe("StatusSettler", () => {
  let settler: StatusSettler;
  let due: ReturnType<typeof vi.fn<() => void>>;
  beforeEach(() => {
    vi.useFakeTimers();
    due = vi.fn<() => void>();
    settler = new StatusSettler(due);
  });
  afterEach(() => {
    settler.destroy();
    vi.useRealTimers();
  });

  it("keeps showing saved through saves quicker than the delay, with the real count", () => {
    expect(settler.settle(saved).label).toBe("All changes saved");
    // Keystrokes acknowledged within tens of milliseconds: 0 → 1 → 0, again and again.
    for (let key = 0; key < 20; key++) {
      const shown = settler.settle(waiting(1));
      expect(shown).toMatchObject({ kind: "saved", label: "All changes saved", unsyncedChanges: 1 });
      vi.advanceTimersByTime(30);
      expect(settler.settle(saved)).toBe(saved);
      vi.advanceTimersByTime(70);
    }
    expect(due).not.toHaveBeenCalled();
  });

  it("shows changes waiting once they have waited the delay, and saved again at once", () => {
    settler.settle(saved);
    settler.settle(waiting(1));
    vi.advanceTimersByTime(SHOW_WAITING_AFTER_MS - 1);
    expect(settler.settle(waiting(2)).kind).toBe("saved");
    expect(due).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(due).toHaveBeenCalledTimes(1);
    expect(settler.settle(waiting(2))).toMatchObject({ kind: "saving", label: "2 changes waiting" });
    expect(settler.settle(waiting(3)).label).toBe("3 changes waiting");
    expect(settler.settle(saved)).toBe(saved);
  });

  it("shows everything other than saving at once", () => {
    settler.settle(saved);
    const offline = { ...waiting(4), kind: "offline" as const, label: "Offline – 4 changes waiting" };
    expect(settler.settle(offline)).toBe(offline);
    settler.settle(saved);
    settler.settle(waiting(1));
    // A held "saving" gives way to what comes next, and its timer with it.
    expect(settler.settle(offline)).toBe(offline);
    vi.advanceTimersByTime(10 * SHOW_WAITING_AFTER_MS);
    expect(due).not.toHaveBeenCalled();
  });
});
