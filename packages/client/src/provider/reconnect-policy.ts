import { CloseCodes, closeCodeFor } from "@tandem/protocol";

/** Exponential backoff for reconnecting. */
export interface BackoffOptions {
  /** The first delay, in milliseconds. */
  readonly initialDelayMs: number;
  /**
   * No delay after a lost connection is longer than this. It is short because
   * people are waiting to see their changes saved, and the first attempt after
   * the server is back should not be far off; an attempt at a server that is
   * down costs it nothing.
   */
  readonly maxDelayMs: number;
  /**
   * No delay after the server said it is overloaded (4429 rate limited, 4503
   * shutting down or overloaded) is longer than this: it asked for room.
   */
  readonly busyMaxDelayMs: number;
  /** Each further attempt multiplies the delay by this. */
  readonly factor: number;
}

/**
 * 0.5 s, 1 s, 2 s, 2 s, … after a lost connection; 0.5 s doubling to 30 s
 * after the server said it is overloaded. Each delay with jitter (between its
 * half and itself), so a server that comes back gets every client within 2 s.
 */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 2_000,
  busyMaxDelayMs: 30_000,
  factor: 2,
};

const serverBusy = new Set<number>([CloseCodes.RateLimited.code, CloseCodes.ShuttingDown.code]);

/** How many times in a row a fresh token may be refused before the kit stops asking. */
export const MAX_TOKEN_REFRESHES = 3;

/** What to do after the socket closed. */
export type CloseDecision =
  | { readonly action: "retry"; readonly delayMs: number }
  | { readonly action: "refresh-token" }
  | { readonly action: "stop"; readonly reason: string };

/**
 * The delay before reconnect attempt `attempt` (0 for the first) after a
 * close with `code`: the backoff's base delay, capped by `maxDelayMs`, or by
 * `busyMaxDelayMs` when the server said it is overloaded, then halved and
 * topped up with jitter so that many clients dropped at once do not come back
 * at once.
 */
export function backoffDelay(attempt: number, code: number, options: BackoffOptions, random: () => number): number {
  const cap = serverBusy.has(code) ? options.busyMaxDelayMs : options.maxDelayMs;
  const base = Math.min(cap, options.initialDelayMs * options.factor ** Math.max(0, attempt));
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * Decides what to do after a close, by the close-code table of
 * `@tandem/protocol`:
 * - `never` (4400 malformed, 4403 forbidden, 4413 too large): stop, and say why;
 *   reconnecting would fail the same way.
 * - `refresh-token` (4401): ask the host for a fresh token, then reconnect; stop
 *   when there is no way to get one or after {@link MAX_TOKEN_REFRESHES}
 *   refused tokens in a row.
 * - `backoff` and `elsewhere` (4408, 4420, 4429, 4500, 4503), and codes Tandem never
 *   sends (a network drop is 1006): reconnect after {@link backoffDelay}, which
 *   waits longer after 4429 and 4503.
 */
export function decideAfterClose(
  close: { readonly code: number; readonly attempt: number; readonly refreshes: number; readonly canRefresh: boolean },
  backoff: BackoffOptions,
  random: () => number,
): CloseDecision {
  const entry = closeCodeFor(close.code);
  switch (entry?.retry) {
    case "never":
      return { action: "stop", reason: entry.reason };
    case "refresh-token":
      if (!close.canRefresh || close.refreshes >= MAX_TOKEN_REFRESHES) return { action: "stop", reason: entry.reason };
      return { action: "refresh-token" };
    default:
      return { action: "retry", delayMs: backoffDelay(close.attempt, close.code, backoff, random) };
  }
}
