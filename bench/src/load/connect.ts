import { Bot, type BotConfig } from "./bot.js";

/**
 * Connects bots in waves of `concurrency` and waits until every one has
 * synced. Waves keep the server's accept backlog from overflowing when
 * thousands join; a bot that cannot sync within `timeoutMs` fails the run.
 */
export async function connectBots(
  configs: readonly BotConfig[],
  concurrency = 100,
  timeoutMs = 120_000,
): Promise<Bot[]> {
  const bots: Bot[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    for (let i = 0; i < configs.length; i += concurrency) {
      const wave = configs.slice(i, i + concurrency).map((config) => new Bot(config));
      bots.push(...wave);
      await Promise.all(wave.map((bot) => bot.open()));
      await withDeadline(Promise.all(wave.map((bot) => bot.synced)), deadline, `${configs.length} bots to sync`);
    }
  } catch (error) {
    for (const bot of bots) bot.destroy();
    throw error;
  }
  setReceivers(bots);
  return bots;
}

/** Tells each bot how many others share its document, for the ledger's expected deliveries. */
function setReceivers(bots: readonly Bot[]): void {
  const perDocument = new Map<string, number>();
  for (const bot of bots) perDocument.set(bot.config.documentName, (perDocument.get(bot.config.documentName) ?? 0) + 1);
  for (const bot of bots) bot.receivers = (perDocument.get(bot.config.documentName) ?? 1) - 1;
}

/** Rejects with a message naming `what` if `promise` has not settled by `deadline` (epoch ms). */
export async function withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}`)),
          Math.max(0, deadline - Date.now()),
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
