import { createPostgresStore } from "@tandem/persistence";
import { databaseUrl } from "../../../test/support/postgres.js";
import type { Contender, ContenderName } from "../contenders/index.js";
import { Bot } from "../load/bot.js";
import { withPostgres } from "../measure/postgres.js";

/**
 * Puts a document into Tandem's storage before its server starts, through
 * @tandem/persistence: appended, then compacted into a snapshot, as a
 * document that was edited and then unloaded would be.
 */
export async function seedTandem(schema: string, documentName: string, state: Uint8Array): Promise<void> {
  const store = await createPostgresStore({ connectionString: databaseUrl, schema, compactAfterRows: 0 });
  try {
    await store.append(documentName, state);
    await store.compact(documentName);
  } finally {
    await store.close();
  }
}

/** Puts a document into stock Hocuspocus' table (one blob per document, as its database extension stores it). */
export async function seedHocuspocus(schema: string, documentName: string, state: Uint8Array): Promise<void> {
  await withPostgres(async (client) => {
    await client.query(
      "INSERT INTO hocuspocus_documents (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data",
      [documentName, state],
    );
  }, schema);
}

/**
 * Sends a whole document to a running in-memory server and returns a bot
 * holding it open, once a second bot sees the document complete.
 */
export async function seedOverTheWire(contender: Contender, documentName: string, state: Uint8Array): Promise<Bot> {
  const holder = new Bot({ protocol: contender.protocol, baseUrl: contender.baseUrl, documentName, name: "seed" });
  await holder.open();
  await holder.synced;
  holder.sendRaw(contender.protocol.update(documentName, state));
  for (;;) {
    const probe = new Bot({ protocol: contender.protocol, baseUrl: contender.baseUrl, documentName, name: "probe" });
    await probe.open();
    await probe.synced;
    const complete = probe.syncBytes >= state.length * 0.5;
    probe.destroy();
    if (complete) return holder;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Which contenders keep documents in storage (and so can be loaded cold). */
export function storesDocuments(name: ContenderName): boolean {
  return name !== "y-websocket";
}
