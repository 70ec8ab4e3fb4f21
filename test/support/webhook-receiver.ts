import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got, and the status it answered. */
export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
}

/**
 * A real HTTP receiver of webhooks on 127.0.0.1, port 0. It answers each
 * request with what `answer` says (default 204), and keeps every request.
 */
export async function startReceiver(answer: (request: { id: string; attempt: number }) => number = () => 204) {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const id = String(request.headers["webhook-id"]);
      const attempt = received.filter((earlier) => earlier.headers["webhook-id"] === id).length + 1;
      const status = answer({ id, attempt });
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The parsed bodies of the requests answered with a 2xx, in order. */
    acknowledged: () =>
      received
        .filter((request) => request.status >= 200 && request.status < 300)
        .map((request) => ({ id: String(request.headers["webhook-id"]), event: JSON.parse(request.body) })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
