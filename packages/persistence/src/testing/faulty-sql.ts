import type { SqlClient, SqlExecutor } from "../sql-client.js";

/** What to do instead of a statement: fail it, or (Postgres) kill the session running it. */
export type Fault = "throw" | "kill-session";

/**
 * Wraps a {@link SqlClient} so a test can break it on purpose: before a chosen
 * statement, just before COMMIT, or just after COMMIT (the work is stored but
 * the caller hears of a failure). Counts every statement, so a test can first
 * learn how many statements an operation runs and then fail each in turn.
 * It can also hold a statement back until the test lets it go.
 */
export function faultySql(inner: SqlClient) {
  let statements = 0;
  let tripped = 0;
  let statementFault: { readonly when: (text: string, index: number) => boolean; readonly fault: Fault } | undefined;
  let commitFault: "before-commit" | "after-commit" | undefined;
  let hold:
    | { readonly when: (text: string) => boolean; readonly reached: () => void; readonly released: Promise<void> }
    | undefined;

  const trip = (what: string): never => {
    tripped++;
    throw new Error(`injected fault: ${what}`);
  };
  const wrap = (executor: SqlExecutor): SqlExecutor => ({
    async query<Row>(text: string, params?: readonly unknown[]) {
      const index = statements++;
      if (hold?.when(text)) {
        const { reached, released } = hold;
        hold = undefined;
        reached();
        await released;
      }
      if (statementFault?.when(text, index)) {
        if (statementFault.fault === "kill-session") {
          tripped++;
          // The session dies mid-transaction, as in a crash of its backend.
          await executor.query("SELECT pg_terminate_backend(pg_backend_pid())");
        } else {
          trip(`before ${text.trim().split(/\s+/).slice(0, 4).join(" ")}`);
        }
      }
      return executor.query<Row>(text, params);
    },
  });

  const client: SqlClient = {
    ...wrap(inner),
    async transaction(work) {
      const result = await inner.transaction(async (tx) => {
        const value = await work(wrap(tx));
        if (commitFault === "before-commit") trip("before COMMIT");
        return value;
      });
      if (commitFault === "after-commit") trip("after COMMIT");
      return result;
    },
    close: () => inner.close(),
  };

  return {
    client,
    /** Statements run so far. */
    get statements() {
      return statements;
    },
    /** Faults injected so far. */
    get tripped() {
      return tripped;
    },
    failStatements(when: (text: string, index: number) => boolean, fault: Fault = "throw") {
      statementFault = { when, fault };
    },
    failCommit(when: "before-commit" | "after-commit") {
      commitFault = when;
    },
    /**
     * Holds back the next statement matching `when` until `release` is called;
     * `reached` resolves once that statement has arrived and is being held.
     */
    holdNext(when: (text: string) => boolean): { readonly reached: Promise<void>; readonly release: () => void } {
      let release = () => {};
      let arrived = () => {};
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      hold = { when, reached: arrived, released: new Promise<void>((resolve) => (release = resolve)) };
      return { reached, release };
    },
    heal() {
      statementFault = undefined;
      commitFault = undefined;
    },
  };
}
