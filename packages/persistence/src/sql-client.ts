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
  close(): Promise<void>;
}

/** What a transaction body may do. */
export type SqlExecutor = Pick<SqlClient, "query">;
