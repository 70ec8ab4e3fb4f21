import { deriveStatus, TandemConnection, type TandemDocument } from "@tandem/client";
import { DocumentFields } from "@tandem/protocol";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import { type ServerProcess, startServerProcess, storedDoc } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

/** How long the server is down while both people type. */
const outageMs = 30_000;
/** A key every 25 ms: 40 a second, a fast typist, so that 30 s of it is 1,200 changes per person. */
const keyEveryMs = 25;
/** The bound: back to "All changes saved" within this long of the server being ready. */
const backWithinMs = 3_000;

/** One person: the client kit's connection (as a page has), with a paragraph of their own to type into. */
interface Person {
  readonly connection: TandemConnection;
  readonly document: TandemDocument;
  readonly paragraph: Y.XmlText;
  typed: string;
  /** Every close the connection saw, by code. */
  readonly closes: number[];
}

/** The status a page shows for the document (`<ConnectionStatus>` renders this label). */
function statusOf(connection: TandemConnection, document: TandemDocument): string {
  return deriveStatus(connection.state.get(), document.state.get()).label;
}

const status = (person: Person) => statusOf(person.connection, person.document);

async function join(wsUrl: string, name: string, documentName: string): Promise<Person> {
  const connection = new TandemConnection({ url: wsUrl, user: { name } });
  const { document } = connection.openDocument(documentName);
  const closes: number[] = [];
  connection.state.subscribe(() => {
    const { lastClose } = connection.state.get();
    if (lastClose && closes.at(-1) !== lastClose.code) closes.push(lastClose.code);
  });
  await waitFor(() => document.canEdit && statusOf(connection, document) === "All changes saved", name);
  const element = new Y.XmlElement("paragraph");
  const paragraph = new Y.XmlText();
  element.insert(0, [paragraph]);
  document.fragment.push([element]);
  return { connection, document, paragraph, typed: "", closes };
}

/** Types one key every {@link keyEveryMs} into each person's paragraph until `stop` is called. */
function typeContinuously(people: Person[]): () => void {
  let key = 0;
  const timer = setInterval(() => {
    key++;
    for (const person of people) {
      const char = String.fromCharCode(97 + (key % 26));
      person.paragraph.insert(person.paragraph.length, char);
      person.typed += char;
    }
  }, keyEveryMs);
  return () => clearInterval(timer);
}

/**
 * The server goes away (SIGTERM: a restart, as a deploy does it) while two
 * people keep typing for 30 s, and comes back on the same port and database.
 *
 * The clients are the client kit's TandemConnection in Node, and the status
 * is the kit's derived status: exactly what `<ConnectionStatus>` renders in a
 * page, whose only addition is to hold a "saving" shorter than half a second
 * (which never delays "All changes saved"). A browser would add nothing the
 * requirement is about, and this way both clients type at a steady rate.
 */
describe("a 30 s outage while two people type", () => {
  const schema = freshSchemaName("outage");
  const processes: ServerProcess[] = [];
  const people: Person[] = [];
  afterAll(async () => {
    for (const person of people) person.connection.destroy();
    for (const process of processes) process.child.kill("SIGKILL");
    await Promise.all(processes.map((process) => process.exited));
    await dropSchema(schema);
  });

  it("both are back to All changes saved within 3 s of the server being ready, with nothing lost", async () => {
    const first = await startServerProcess({ DATABASE_SCHEMA: schema });
    processes.push(first);
    const documentName = "spec/outage";
    people.push(await join(first.wsUrl, "Ada", documentName), await join(first.wsUrl, "Grace", documentName));
    const [ada, grace] = people as [Person, Person];
    await waitFor(() => people.every((person) => status(person) === "All changes saved"), "both saved before");

    const stopTyping = typeContinuously(people);
    first.child.kill("SIGTERM");
    await first.exited;
    const down = Date.now();
    await waitFor(() => people.every((person) => status(person).startsWith("Offline")), "both offline");
    // Typing goes on for the whole outage; the count of waiting changes grows.
    await waitFor(() => Date.now() - down >= outageMs, "the outage to last", outageMs + 5_000);
    expect(ada.document.state.get().unsyncedChanges).toBeGreaterThan(500);

    const second = await startServerProcess({ DATABASE_SCHEMA: schema, PORT: new URL(first.url).port });
    processes.push(second);
    const ready = Date.now();
    stopTyping();

    const backAfter = new Map<string, number>();
    await waitFor(
      () => {
        for (const person of people) {
          if (!backAfter.has(person.connection.user.name) && status(person) === "All changes saved") {
            backAfter.set(person.connection.user.name, Date.now() - ready);
          }
        }
        return backAfter.size === people.length;
      },
      "both back to All changes saved",
      backWithinMs + 15_000,
    );
    for (const [name, ms] of backAfter) expect(ms, name).toBeLessThanOrEqual(backWithinMs);
    // Slowed or not, nobody was closed for sending too much.
    for (const person of people) expect(person.closes).not.toContain(4429);

    // Nothing lost: each sees both paragraphs whole, and the server stored them.
    const texts = (person: Person) => person.document.fragment.toString();
    await waitFor(() => texts(ada) === texts(grace), "the two copies to converge");
    for (const person of people) {
      expect(texts(ada)).toContain(person.typed);
      expect(person.typed.length).toBeGreaterThan(outageMs / keyEveryMs / 2);
    }
    const stored = (await storedDoc(schema, documentName)).getXmlFragment(DocumentFields.content).toString();
    expect(stored).toBe(texts(ada));
  }, 120_000);
});
