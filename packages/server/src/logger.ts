import { pino } from "pino";

/** The server's structured logger: JSON lines on stdout, one child per connection and document. */
export type Logger = pino.Logger;

/** A pino logger at `level`, writing JSON to stdout. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "tandem-server" } });
}
