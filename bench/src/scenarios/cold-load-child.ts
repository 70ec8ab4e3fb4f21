// One cold load in a fresh process, so its time and memory are its own:
// `node --expose-gc --import tsx cold-load-child.ts '<json>'` prints one JSON line.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { Database } from "@hocuspocus/extension-database";
import { createPostgresStore } from "@tandem/persistence";
import pg from "pg";
import * as Y from "yjs";
import { memory } from "../measure/process.js";

interface Job {
  readonly store: "tandem" | "hocuspocus";
  readonly databaseUrl: string;
  readonly schema: string;
  readonly document: string;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

// Connections are opened (and used once) before the clock starts: a server has its pool already.
let load: (doc: Y.Doc) => Promise<unknown>;
let close: () => Promise<void>;
if (job.store === "tandem") {
  const store = await createPostgresStore({
    connectionString: job.databaseUrl,
    schema: job.schema,
    compactAfterRows: 0,
  });
  await store.ping();
  load = (doc) => store.load(job.document, doc);
  close = () => store.close();
} else {
  const pool = new pg.Pool({ connectionString: job.databaseUrl, options: `-c search_path=${job.schema}` });
  await pool.query("SELECT 1");
  // The same fetch as the stock server's, through the same extension.
  const database = new Database({
    fetch: async ({ documentName }) => {
      const { rows } = await pool.query("SELECT data FROM hocuspocus_documents WHERE name = $1", [documentName]);
      return rows[0]?.data ?? null;
    },
  });
  load = (doc) => database.onLoadDocument({ documentName: job.document, document: doc } as never);
  close = () => pool.end();
}

gc();
const heapBefore = process.memoryUsage().heapUsed;
const heapSizeBefore = getHeapStatistics().total_heap_size;
const rssBefore = memory(process.pid).rss;
// Resets VmHWM to the current RSS, so the peak below is this load's.
writeFileSync("/proc/self/clear_refs", "5");
const doc = new Y.Doc();
const started = performance.now();
await load(doc);
const ms = performance.now() - started;
const peakRss = memory(process.pid).peak - rssBefore;
// V8 grows its heap to what the load needed at its peak and does not give it back at once.
const peakHeap = getHeapStatistics().total_heap_size - heapSizeBefore;
gc();
const heapRetained = process.memoryUsage().heapUsed - heapBefore;
const textHash = createHash("sha256").update(doc.getText("t").toString()).digest("hex");
await close();
process.stdout.write(`${JSON.stringify({ ms, peakRss, peakHeap, heapRetained, textHash })}\n`);
