import type { TextIndex, TextRange } from "@tandem/protocol";
import { TandemAgentError } from "./errors.js";

/** Text to act on, named the way a person would point at it: by quoting it. */
export interface Quote {
  /** The text as it reads; runs of whitespace (block breaks included) match any whitespace. */
  readonly quote: string;
  /** Which occurrence, from 0, when the text occurs more than once. Default 0: the first. */
  readonly occurrence?: number;
}

/** A quote given as a string means its first occurrence. */
export type QuoteInput = string | Quote;

/**
 * Where a quote is in the document's plain text ({@link TextIndex.text}).
 *
 * @throws TandemAgentError `invalid-argument` for an empty quote, `not-found` when it does not occur (that often).
 */
export function locateQuote(index: TextIndex, input: QuoteInput): TextRange {
  const { quote, occurrence = 0 } = typeof input === "string" ? { quote: input } : input;
  if (quote.trim() === "") throw new TandemAgentError("invalid-argument", "quote some text");
  const found = index.find(quote, occurrence + 1)[occurrence];
  if (!found) {
    const shown = quote.length > 60 ? `${quote.slice(0, 57)}…` : quote;
    throw new TandemAgentError(
      "not-found",
      `"${shown}" is not in the document${occurrence > 0 ? ` ${occurrence + 1} times` : ""}`,
    );
  }
  return found;
}
