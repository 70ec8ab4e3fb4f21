import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isPersistenceError, type PersistenceErrorCode } from "../errors.js";
import type { NewNotification, NotificationStore, Person } from "./store.js";

/** What a notification contract run needs: a store, a second one on the same database, and a way to let go of them. */
export interface NotificationContractSetup {
  readonly store: NotificationStore;
  /** Another store on the same database, as another server instance would open it (or `store` itself). */
  readonly other: NotificationStore;
  teardown(): Promise<void>;
}

function rejectsWith(promise: Promise<unknown>, code: PersistenceErrorCode) {
  return expect(promise).rejects.toSatisfy((error) => isPersistenceError(error, code));
}

const HOUR = 3_600_000;

/**
 * The behaviour every {@link NotificationStore} must show, as numbered cases
 * (`[NT1]`…). Each case works in a tenant of its own, so the setup may hand
 * out the same database every time.
 *
 * @example
 * ```ts
 * import { runNotificationStoreContract } from "@tandem/persistence/notification-contract";
 *
 * runNotificationStoreContract("my store", async () => {
 *   const store = await createMyStore();
 *   return { store: store.notifications, other: store.notifications, teardown: () => store.close() };
 * });
 * ```
 */
export function runNotificationStoreContract(name: string, setup: () => Promise<NotificationContractSetup>): void {
  describe(`NotificationStore contract: ${name}`, () => {
    let store: NotificationStore;
    let other: NotificationStore;
    let teardown: () => Promise<void>;
    let tenant: string;
    let ada: Person;
    let bob: Person;
    let sequence = 0;

    beforeEach(async () => {
      ({ store, other, teardown } = await setup());
      tenant = `t-${randomUUID()}`;
      ada = { tenant, userId: "ada" };
      bob = { tenant, userId: "bob" };
    });
    afterEach(() => teardown());

    const note = (overrides: Partial<NewNotification> = {}): NewNotification => ({
      tenant,
      recipient: "ada",
      kind: "mention",
      document: "spec/1",
      threadId: "th1",
      commentId: `c${++sequence}`,
      actor: "bob",
      actorName: "Bob",
      excerpt: "@Ada have a look",
      key: `k${sequence}`,
      ...overrides,
    });

    const withEmail = (person: Person, email = `${person.userId}@example.com`) =>
      store.recordPerson({ ...person, name: person.userId.toUpperCase(), email, access: { "*": "editor" } });

    it("[NT1] adds notifications once per key and lists a person's inbox newest first, in pages", async () => {
      const added = await store.add([note(), note({ kind: "reply" }), note({ recipient: "bob" })], HOUR);
      expect(added).toHaveLength(3);
      const { key: _key, ...stored } = note({ commentId: "c1", key: "k1" });
      expect(added[0]).toMatchObject({ ...stored, readAt: null });
      expect(added[0]?.id).toMatch(/^[1-9][0-9]*$/);
      expect(await store.add([note({ key: "k1" })], HOUR)).toEqual([]);
      await store.add([note({ tenant: `${tenant}-other` })], HOUR);

      const inbox = await store.list(ada);
      expect(inbox.map((each) => each.id)).toEqual([added[1]?.id, added[0]?.id]);
      const [first] = await store.list(ada, { limit: 1 });
      expect(first?.id).toBe(added[1]?.id);
      expect(await store.list(ada, { before: first?.id as string })).toEqual([inbox[1]]);
      expect((await store.list(bob)).map((each) => each.id)).toEqual([added[2]?.id]);
    });

    it("[NT2] counts unread per document and marks read, one by one or all, only the person's own", async () => {
      const [a, , c] = await store.add([note(), note({ document: "spec/2" }), note({ recipient: "bob" })], HOUR);
      expect(await store.unreadByDocument(ada)).toEqual(
        new Map([
          ["spec/1", 1],
          ["spec/2", 1],
        ]),
      );
      expect(await store.markRead(ada, [a?.id as string, c?.id as string])).toBe(1);
      expect(await store.markRead(ada, [a?.id as string])).toBe(0);
      expect(await store.unreadByDocument(ada)).toEqual(new Map([["spec/2", 1]]));
      expect((await store.list(ada, { unreadOnly: true })).map((each) => each.document)).toEqual(["spec/2"]);
      expect((await store.list(ada)).find((each) => each.id === a?.id)?.readAt).toBeInstanceOf(Date);
      expect(await store.markAllRead(ada)).toBe(1);
      expect(await store.unreadByDocument(ada)).toEqual(new Map());
      expect(await store.unreadByDocument(bob)).toEqual(new Map([["spec/1", 1]]));
    });

    it("[NT3] following by default never undoes an explicit choice", async () => {
      expect(await store.isFollowing(ada, "spec/1")).toBeNull();
      await store.followByDefault(tenant, "spec/1", ["ada", "bob", "ada"]);
      expect(await store.followers(tenant, "spec/1")).toEqual(["ada", "bob"]);
      await store.setFollowing(bob, "spec/1", false);
      await store.followByDefault(tenant, "spec/1", ["bob"]);
      expect(await store.isFollowing(bob, "spec/1")).toBe(false);
      expect(await store.followers(tenant, "spec/1")).toEqual(["ada"]);
      await store.setFollowing(bob, "spec/1", true);
      expect(await store.followers(tenant, "spec/1")).toEqual(["ada", "bob"]);
      expect(await store.followers(`${tenant}-other`, "spec/1")).toEqual([]);
    });

    it("[NT4] records people, finds them by id or name, and keeps their email mode", async () => {
      expect(await store.person(ada)).toBeUndefined();
      await store.setEmailMode(ada, "mentions");
      await store.recordPerson({
        ...ada,
        name: "Ada Lovelace",
        email: "ada@example.com",
        access: { "spec/*": "editor" },
      });
      expect(await store.person(ada)).toEqual({
        ...ada,
        name: "Ada Lovelace",
        email: "ada@example.com",
        emailMode: "mentions",
        access: { "spec/*": "editor" },
      });
      expect(await store.findPeople(tenant, "ada lovelace")).toEqual(["ada"]);
      expect(await store.findPeople(tenant, "ada")).toEqual(["ada"]);
      expect(await store.findPeople(`${tenant}-other`, "ada")).toEqual([]);
      await store.recordPerson({ ...ada, name: "Ada", email: null, access: null });
      expect(await store.person(ada)).toMatchObject({ name: "Ada", email: null, emailMode: "mentions", access: null });
    });

    it("[NT5] a digest is due after the delay of the first unread, holds what is still unread, and is claimed once", async () => {
      await withEmail(ada);
      await store.add([note()], HOUR);
      // Bob has no address: nothing is due for him, but his digest will hold it once he has one.
      const [earlier] = await store.add([note({ recipient: "bob" })], 0);
      expect(await store.claimDigests(10, 60_000)).toEqual([]);

      await withEmail(bob);
      const [first, second, third] = await store.add(
        [note({ recipient: "bob" }), note({ recipient: "bob" }), note({ recipient: "bob" })],
        0,
      );
      await store.markRead(bob, [second?.id as string]);
      const claimed = await store.claimDigests(10, 60_000);
      expect(claimed.map((batch) => batch.person.userId)).toEqual(["bob"]);
      expect(claimed[0]?.person).toMatchObject({ email: "bob@example.com", emailMode: "all" });
      expect(claimed[0]?.notifications.map((each) => each.id)).toEqual([earlier?.id, first?.id, third?.id]);
      expect(await other.claimDigests(10, 60_000)).toEqual([]);

      // One arrives while the digest is being sent: it is due after the next delay.
      await store.add([note({ recipient: "bob" })], 0);
      await store.finishDigest(
        bob,
        [earlier, first, third].map((each) => each?.id as string),
        0,
      );
      const [next] = await store.claimDigests(10, 60_000);
      expect(next?.notifications.map((each) => each.excerpt)).toEqual(["@Ada have a look"]);
      await store.finishDigest(bob, next?.notifications.map((each) => each.id) ?? [], 0);
      expect(await store.claimDigests(10, 60_000)).toEqual([]);
    });

    it("[NT6] a sender that died leaves the digest to be claimed again when its lease ends", async () => {
      await withEmail(ada);
      await store.add([note()], 0);
      expect(await store.claimDigests(10, 1)).toHaveLength(1);
      await vi.waitFor(async () => expect(await other.claimDigests(10, 60_000)).toHaveLength(1), {
        timeout: 5000,
        interval: 5,
      });
    });

    it("[NT7] email modes: mentions only schedules for mentions; none drops a due digest", async () => {
      await withEmail(ada);
      await store.setEmailMode(ada, "mentions");
      await store.add([note({ kind: "status" })], 0);
      expect(await store.claimDigests(10, 60_000)).toEqual([]);
      const [mention] = await store.add([note()], 0);
      const [batch] = await store.claimDigests(10, 60_000);
      expect(batch?.notifications.map((each) => each.id)).toEqual([mention?.id]);
      await store.finishDigest(ada, [mention?.id as string], 0);

      await store.setEmailMode(ada, "all");
      await store.add([note()], 0);
      await store.setEmailMode(ada, "none");
      expect(await store.claimDigests(10, 60_000)).toEqual([]);
    });

    it("[NT8] claimers running at once never get the same person", async () => {
      const people = Array.from({ length: 12 }, (_, i) => ({ tenant, userId: `p${i}` }));
      for (const person of people) await withEmail(person);
      await store.add(
        people.map((person) => note({ recipient: person.userId })),
        0,
      );
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).claimDigests(3, 60_000)),
      );
      const claimed = claims.flat().map((batch) => batch.person.userId);
      expect(claimed).toHaveLength(12);
      expect(new Set(claimed).size).toBe(12);
    });

    it("[NT10] forgetting a deleted document drops its notifications and follows, in its tenant only", async () => {
      await store.add([note(), note({ recipient: "bob" }), note({ document: "spec/2" })], HOUR);
      await store.add([note({ tenant: `${tenant}-other` })], HOUR);
      await store.setFollowing(ada, "spec/1", true);
      expect(await store.forgetDocument(tenant, "spec/1")).toEqual(["ada", "bob"]);
      expect((await store.list(ada)).map((each) => each.document)).toEqual(["spec/2"]);
      expect(await store.list(bob)).toEqual([]);
      expect(await store.isFollowing(ada, "spec/1")).toBeNull();
      expect(await store.list({ tenant: `${tenant}-other`, userId: "ada" })).toHaveLength(1);
    });

    it("[NT9] malformed input is refused with invalid-argument", async () => {
      await rejectsWith(store.add([note({ kind: "poke" as never })], 0), "invalid-argument");
      await rejectsWith(store.add([note({ key: "" })], 0), "invalid-argument");
      await rejectsWith(store.add([note({ document: "" })], 0), "invalid-argument");
      await rejectsWith(store.add([note({ recipient: "a\u0000b" })], 0), "invalid-argument");
      await rejectsWith(store.add([note()], -1), "invalid-argument");
      await rejectsWith(store.markRead(ada, ["1; DROP TABLE"]), "invalid-argument");
      await rejectsWith(store.list(ada, { limit: 0 }), "invalid-argument");
      await rejectsWith(store.setEmailMode(ada, "weekly" as never), "invalid-argument");
      await rejectsWith(
        store.recordPerson({ ...ada, name: null, email: "not an address", access: null }),
        "invalid-argument",
      );
      await rejectsWith(store.claimDigests(0, 1000), "invalid-argument");
    });
  });
}
