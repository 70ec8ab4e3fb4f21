/**
 * The little SQL surface the store needs. Postgres (`pg`) and PGlite both
 * implement it, so every statement in this package runs on both unchanged.
 */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a transaction body may do. */
export type SqlExecutor = Pick<SqlClient, "query">;
