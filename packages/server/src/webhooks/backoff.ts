/** The longest wait between two attempts of one delivery. */
export const MAX_RETRY_DELAY_MS = 60 * 60_000;

/**
 * How long to wait after attempt `attempt` (1 for the first) failed:
 * exponential (`baseMs`, then twice that, four times…) up to
 * {@link MAX_RETRY_DELAY_MS}, with "equal jitter": somewhere between half
 * and all of it, so that deliveries that failed together (a receiver that
 * was down) do not all come back at the same moment.
 */
export function retryDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
