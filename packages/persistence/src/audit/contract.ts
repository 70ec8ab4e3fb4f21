import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isPersistenceError } from "../errors.js";
import type { AuditLog, NewAuditEntry } from "./store.js";

/** What a contract run needs: an audit log, and a way to let go of it after each case. */
export interface AuditContractSetup {
  readonly log: AuditLog;
  teardown(): Promise<void>;
}

/**
 * The behaviour every {@link AuditLog} must show, as numbered cases (`[AL1]`…).
 * Entries cannot be deleted, so each case works in a tenant of its own
 * rather than on an empty log: the setup may return the same log every time.
 *
 * @example
 * ```ts
 * runAuditLogContract("my store", async () => ({ log: store.audit, teardown: async () => {} }));
 * ```
 */
export function runAuditLogContract(name: string, setup: () => Promise<AuditContractSetup>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let context: AuditContractSetup;
    let tenant: string;
    beforeEach(async () => {
      context = await setup();
      tenant = `t-${randomUUID()}`;
    });
    afterEach(() => context.teardown());

    const entry = (overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
      action: "document.created",
      actor: "ada",
      actorName: "Ada Lovelace",
      document: "spec/1",
      address: "192.0.2.1",
      details: { kind: "spec" },
      tenant,
      ...overrides,
    });

    it("[AL1] records an entry and returns it as stored, with an id and the time", async () => {
      const before = Date.now();
      const recorded = await context.log.record(entry());
      expect(recorded).toMatchObject(entry());
      expect(recorded.id).toMatch(/^[1-9][0-9]*$/);
      // The database's clock, which may differ from this one by a little.
      expect(Math.abs(recorded.at.getTime() - before)).toBeLessThan(60_000);
      expect(await context.log.query({ tenant })).toEqual([recorded]);
      const bare = await context.log.record({ action: "sign-in.refused", actor: null, tenant });
      expect(bare).toMatchObject({ actor: null, actorName: null, document: null, address: null, details: {} });
    });

    it("[AL2] lists newest first by default and oldest first with asc; pages by the last id, without gaps or repeats", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await context.log.record(entry({ details: { i } }))).id);
      expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
      for (const order of ["desc", "asc"] as const) {
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await context.log.query({ tenant, order, limit: 3, ...(after ? { after } : {}) });
          seen.push(...page.map((e) => e.id));
          if (page.length < 3) break;
          after = page.at(-1)?.id;
        }
        expect(seen).toEqual(order === "asc" ? ids : [...ids].reverse());
      }
    });

    it("[AL3] filters by actor, document, action and time, and never across tenants", async () => {
      const a = await context.log.record(entry({ actor: "ada", document: "spec/1" }));
      const b = await context.log.record(entry({ actor: "grace", document: "spec/1", action: "version.restored" }));
      const c = await context.log.record(entry({ actor: "ada", document: "idea/2", action: "document.archived" }));
      await context.log.record(entry({ tenant: `${tenant}-other` }));
      const ids = async (query: object) =>
        (await context.log.query({ tenant, order: "asc", ...query })).map((e) => e.id);
      expect(await ids({})).toEqual([a.id, b.id, c.id]);
      expect(await ids({ actor: "ada" })).toEqual([a.id, c.id]);
      expect(await ids({ document: "spec/1" })).toEqual([a.id, b.id]);
      expect(await ids({ action: "version.restored" })).toEqual([b.id]);
      expect(await ids({ actor: "ada", document: "spec/1" })).toEqual([a.id]);
      expect(await ids({ from: b.at })).toEqual(
        [a, b, c].filter((e) => e.at.getTime() >= b.at.getTime()).map((e) => e.id),
      );
      expect(await ids({ to: new Date(a.at.getTime()) })).toEqual([]);
      expect(await ids({ from: new Date(Date.now() + 3_600_000) })).toEqual([]);
    });

    it("[AL4] refuses malformed entries and queries with invalid-argument", async () => {
      const refused = (promise: Promise<unknown>) =>
        expect(promise).rejects.toSatisfy((error) => isPersistenceError(error, "invalid-argument"));
      await refused(context.log.record(entry({ action: "Created" })));
      await refused(context.log.record(entry({ action: "document" })));
      await refused(context.log.record({ action: "document.created", tenant } as unknown as NewAuditEntry));
      await refused(context.log.record(entry({ document: "a\u0000b" })));
      await refused(context.log.record(entry({ details: [] as unknown as NewAuditEntry["details"] })));
      await refused(context.log.record(entry({ details: { big: "x".repeat(9000) } })));
      await refused(context.log.query({ tenant, limit: 0 }));
      await refused(context.log.query({ tenant, limit: 1001 }));
      await refused(context.log.query({ tenant, after: "1; DROP TABLE tandem_audit" }));
      await refused(context.log.query({ tenant, from: new Date("nonsense") }));
      expect(await context.log.query({ tenant })).toEqual([]);
    });

    it("[AL5] forget blanks one person's name and addresses, and keeps what they did", async () => {
      const actor = `erased-${randomUUID()}`;
      const theirs = await context.log.record(entry({ actor, actorName: "To Forget" }));
      const other = await context.log.record(entry({ actor: "kept" }));
      expect(await context.log.forget(actor)).toBe(1);
      expect(await context.log.forget(actor)).toBe(0);
      const [after] = await context.log.query({ tenant, actor });
      expect(after).toEqual({ ...theirs, actorName: null, address: null });
      expect((await context.log.query({ tenant, actor: "kept" }))[0]).toEqual(other);
    });

    it("[AL6] forget in one tenant leaves the same user id of another tenant alone", async () => {
      const actor = `erased-${randomUUID()}`;
      const elsewhere = `${tenant}-other`;
      await context.log.record(entry({ actor, actorName: "Here" }));
      const theirs = await context.log.record(entry({ actor, actorName: "Elsewhere", tenant: elsewhere }));
      expect(await context.log.forget(actor, tenant)).toBe(1);
      expect((await context.log.query({ tenant: elsewhere, actor }))[0]).toEqual(theirs);
      expect((await context.log.query({ tenant, actor }))[0]).toMatchObject({ actorName: null, address: null });
    });
  });
}
