import { closeCodeFor } from "@tandem/protocol";

/** Exponential backoff for reconnecting. */
export interface BackoffOptions {
  /** The first delay, in milliseconds. */
  readonly initialDelayMs: number;
  /** No delay is longer than this. */
  readonly maxDelayMs: number;
  /** Each further attempt multiplies the delay by this. */
  readonly factor: number;
}

/** 0.5 s, 1 s, 2 s, … up to 30 s, each with jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 };

/** How many times in a row a fresh token may be refused before the kit stops asking. */
export const MAX_TOKEN_REFRESHES = 3;

/** What to do after the socket closed. */
export type CloseDecision =
  | { readonly action: "retry"; readonly delayMs: number }
  | { readonly action: "refresh-token" }
  | { readonly action: "stop"; readonly reason: string };

/**
 * The delay before reconnect attempt `attempt` (0 for the first): the
 * backoff's base delay, halved and topped up with jitter so that many clients
 * dropped at once do not come back at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, attempt));
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
 *   sends (a network drop is 1006): reconnect after {@link backoffDelay}.
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
      return { action: "retry", delayMs: backoffDelay(close.attempt, backoff, random) };
  }
}
