import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { SqlClient, SqlExecutor } from "./sql-client.js";

function executor(db: PGlite | Transaction): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, params as unknown[])).rows;
    },
  };
}

/**
 * A {@link SqlClient} over embedded PGlite. PGlite has one connection, and
 * its `transaction` already serialises callers.
 */
export function createPGliteClient(db: PGlite): SqlClient {
  return {
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    close: () => db.close(),
  };
}
