/**
 * The little SQL surface the store needs. Postgres (`pg`) and PGlite both
 * implement it, so every statement in this package runs on both unchanged.
 */
export interface SqlClient {
  /**
   * Runs one statement. With `prepareAs`, a client that can prepares it once
   * per connection under that name and then only binds and executes it, which
   * spares Postgres parsing and planning it again: for hot statements whose
   * text is one of a few shapes. The name must always come with the same text.
   */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], prepareAs?: string): Promise<Row[]>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * A connection of the caller's own, held between statements (and opened
   * again after one fails), for a caller that runs one statement after
   * another on the hot path: the group commit. A pool checkout and return
   * per statement costs it more than the statement's parse does. Clients
   * without a pool (PGlite has one connection) leave it out, and the caller
   * uses the client itself. The caller releases it before `close`.
   */
  holdConnection?(): HeldConnection;
  close(): Promise<void>;
}

/** A connection from {@link SqlClient.holdConnection}. */
export interface HeldConnection extends SqlExecutor {
  /** Gives the connection back; later queries open a new one. */
  release(): Promise<void>;
}

/** What a transaction body may do. */
export type SqlExecutor = Pick<SqlClient, "query">;
