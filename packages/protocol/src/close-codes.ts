/**
 * The one table of WebSocket close codes Tandem sends (application codes in
 * the 4000 range). The server closes a connection only with these; the client kit decides whether to reconnect by
 * looking the code up here, so the two can never disagree.
 *
 * `retry` says what a client should do next:
 * - `"never"`: reconnecting would fail the same way; tell the user why.
 * - `"refresh-token"`: ask the host app for a fresh token, then reconnect.
 * - `"backoff"`: reconnect with exponential backoff.
 * - `"elsewhere"`: this instance is going away; reconnect (a load balancer
 *   will route to a healthy instance) with backoff.
 */
export const CloseCodes = {
  /**
   * A frame that does not decode as the collaboration protocol, an update that
   * is not a valid Yjs update, or one that nests shared types or values more
   * than 100 deep.
   */
  MalformedMessage: { code: 4400, reason: "malformed-message", retry: "never" },
  /** Missing, invalid or expired token. */
  Unauthorized: { code: 4401, reason: "unauthorized", retry: "refresh-token" },
  /**
   * A valid token, but a write it does not allow: an update to a `#comments`
   * document that edits or deletes someone else's comment, writes as someone
   * else, or breaks the comments layout. (A document the token has no access
   * to is refused for that document alone, without closing the socket.)
   * Also sent per document, as the reason of Hocuspocus's close message, when
   * a share link that gave the connection its role is revoked or expires.
   */
  Forbidden: { code: 4403, reason: "forbidden", retry: "never" },
  /**
   * The document was deleted (through the REST API). Sent per document: its
   * connections are closed with this `reason` (Hocuspocus's per-document
   * close message carries the reason, not a code), and the socket's other
   * documents go on.
   */
  DocumentDeleted: { code: 4410, reason: "document-deleted", retry: "never" },
  /** The client did not authenticate, or a storage write did not finish, in time. */
  Timeout: { code: 4408, reason: "timeout", retry: "backoff" },
  /**
   * A frame larger than the server's `MAX_MESSAGE_BYTES`. The server refuses it
   * from the frame header, before the payload is buffered, so an oversized
   * frame never costs it memory.
   */
  MessageTooLarge: { code: 4413, reason: "message-too-large", retry: "never" },
  /**
   * The client read more slowly than the server sent: more than the server's
   * `MAX_BUFFERED_BYTES` waited unread in its send buffer for this
   * connection. Reconnecting resyncs from the client's state vector, which
   * sends what it lacks once rather than every update it missed. (No HTTP
   * status means this; 420 is unassigned, so the code cannot be mistaken for
   * one.)
   */
  SlowReader: { code: 4420, reason: "slow-reader", retry: "backoff" },
  /**
   * The connection kept sending faster than the server's message rate for a
   * sustained time (a minute by default). A client that is merely faster is
   * slowed down instead: the server stops reading until its budget refills.
   */
  RateLimited: { code: 4429, reason: "rate-limited", retry: "backoff" },
  /** The server could not make an edit durable; nothing was acknowledged. */
  StorageUnavailable: { code: 4500, reason: "storage-unavailable", retry: "backoff" },
  /**
   * The server is shutting down or overloaded (its store is behind, or
   * sockets that have not authenticated hold as much as it allows).
   */
  ShuttingDown: { code: 4503, reason: "shutting-down", retry: "elsewhere" },
} as const;

/** The name of one entry of {@link CloseCodes}. */
export type CloseCodeName = keyof typeof CloseCodes;

/** One entry of {@link CloseCodes}. */
export type CloseCode = (typeof CloseCodes)[CloseCodeName];

/** What a client should do after a close; see {@link CloseCodes}. */
export type RetryPolicy = CloseCode["retry"];

const byCode = new Map<number, CloseCode>(Object.values(CloseCodes).map((entry) => [entry.code, entry]));

/**
 * Looks up a close code received from the server.
 *
 * @returns the table entry, or `undefined` for codes Tandem does not send
 * (a network drop arrives as 1006, a proxy may send others). Callers treat an
 * unknown code as `"backoff"`.
 *
 * @example
 * ```ts
 * socket.addEventListener("close", (event) => {
 *   const policy = closeCodeFor(event.code)?.retry ?? "backoff";
 * });
 * ```
 */
export function closeCodeFor(code: number): CloseCode | undefined {
  return byCode.get(code);
}
