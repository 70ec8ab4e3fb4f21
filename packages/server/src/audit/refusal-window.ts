/**
 * Lets through the first refused sign-in from each address per window, so
 * that a client retrying a bad token in a loop (or an attacker) cannot fill
 * the audit log: one entry a minute says as much as a thousand. Every refusal
 * is still counted in `tandem_errors_total{code="4401"}` (WebSocket) and
 * logged.
 */
export class RefusalWindow {
  /** When each address's window ends; in the order they opened, so the expired ones are at the front. */
  private readonly open = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    /** Bounds the memory one attacker with many addresses can take; past it, refusals go unrecorded until windows end. */
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a refusal from `address` should be recorded now. */
  admit(address: string | null): boolean {
    const now = this.now();
    for (const [key, end] of this.open) {
      if (end > now) break;
      this.open.delete(key);
    }
    const key = address ?? "";
    if (this.open.has(key) || this.open.size >= this.maxAddresses) return false;
    this.open.set(key, now + this.windowMs);
    return true;
  }
}
