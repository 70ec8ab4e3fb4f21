// Stock Hocuspocus v4 with @hocuspocus/extension-database storing to Postgres
// with its default debounce (2 s, at most 10 s): the server Tandem is measured
// against. The benchmark runs it as a child process (plain `node`, erasable
// TypeScript only) and waits for the same "listening" line tandem-server logs.
import { Database } from "@hocuspocus/extension-database";
import { Server } from "@hocuspocus/server";
import pg from "pg";

const schema = process.env.DATABASE_SCHEMA ?? "public";
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${schema}` });
await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await pool.query("CREATE TABLE IF NOT EXISTS hocuspocus_documents (name text PRIMARY KEY, data bytea NOT NULL)");

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? "127.0.0.1",
  quiet: true,
  stopOnSignals: false,
  extensions: [
    new Database({
      fetch: async ({ documentName }) => {
        const { rows } = await pool.query("SELECT data FROM hocuspocus_documents WHERE name = $1", [documentName]);
        return rows[0]?.data ?? null;
      },
      store: async ({ documentName, state }) => {
        await pool.query(
          "INSERT INTO hocuspocus_documents (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data",
          [documentName, state],
        );
      },
    }),
  ],
});
await server.listen();
process.stdout.write(`${JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${server.address.port}` })}\n`);
process.on("SIGTERM", () => {
  server
    .destroy()
    .then(() => pool.end())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
