import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CloseCodes } from "@tandem/protocol";
import { WebSocket, WebSocketServer } from "ws";
import { requestPath } from "../http/request-path.js";
import type { Logger } from "../logger.js";

/** The path of the collaboration WebSocket. */
export const COLLAB_PATH = "/collab";

/**
 * ws refuses a frame whose header announces more than `maxPayload` before it
 * buffers a byte of the payload, which is what the size limit needs. But it
 * then closes from inside its receiver (`websocket.close(1009)`), before any
 * listener of ours runs. Overriding `close` is the one place where the table's
 * 4413 can be sent instead while keeping that early refusal. Nothing else in
 * ws closes with 1009, and the server itself never does.
 */
class GuardedWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === 1009) super.close(CloseCodes.MessageTooLarge.code, CloseCodes.MessageTooLarge.reason);
    else super.close(code, data);
  }
}

/** Settings of {@link createCollabEndpoint}. */
export interface CollabEndpointOptions {
  /** The largest frame accepted; a larger one closes the socket with 4413. */
  readonly maxMessageBytes: number;
  /** False while the server is shutting down: new sockets are refused with 503. */
  readonly accepting: () => boolean;
  /**
   * Receives each accepted socket, with the request to hand Hocuspocus for it
   * and the HTTP upgrade request it came with (its address). Must not throw.
   */
  readonly onSocket: (socket: WebSocket, request: Request, upgrade: IncomingMessage) => void;
  readonly logger: Logger;
}

/** The upgrade side of the collaboration WebSocket, for `server.on("upgrade", …)`. */
export interface CollabEndpoint {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The request Hocuspocus is given for every connection. Its hooks could read
 * the upgrade request's headers and query from it (`requestHeaders`,
 * `requestParameters`); Tandem's read neither (a client's token comes in its
 * first message), and a fetch `Request` built per connection, which
 * Hocuspocus keeps for the connection's life with its headers, URLs and abort
 * signal, cost every idle connection about a kilobyte. So all share one, with
 * nothing of any client's in it.
 *
 * Hocuspocus reads only its `url` and `headers`, and parses the parameters
 * from the `url` again for every connection, and for every update (its
 * `onChange` payload): a whole URL costs a `URL` object each time, which the
 * connection keeps, a path only the (empty) search parameters. So it is a path,
 * in an object that has just those two.
 */
const sharedRequest = { url: COLLAB_PATH, headers: new Headers() } satisfies Pick<Request, "url" | "headers">;

/**
 * The WebSocket endpoint at {@link COLLAB_PATH}. Upgrades to any other path are
 * refused with 404.
 *
 * Why our own `ws` server rather than Hocuspocus's `Server`: v4's `Server`
 * goes through crossws and hands every frame straight to Hocuspocus, while
 * Tandem must parse and validate every frame at the socket first (see
 * SocketSession), close with its own codes, own the one HTTP server that also
 * serves health, metrics, the API and static files, and refuse oversized
 * frames before they are buffered. Hocuspocus's `handleConnection` takes any
 * WebSocket-like object, which is all the wiring it needs.
 */
export function createCollabEndpoint(options: CollabEndpointOptions): CollabEndpoint {
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    // Compression would let a small frame inflate past the size limit before it is checked; it is off.
    perMessageDeflate: false,
    clientTracking: false,
    WebSocket: GuardedWebSocket,
  });
  // Node removes its own error listener from an upgraded socket; until ws has
  // the socket, a reset from the peer would be an uncaught exception. One listener for
  // every socket: a closure made inside handleUpgrade would share its scope,
  // and so keep each open socket's upgrade request (headers and all) alive.
  const onSocketError = (error: Error) => options.logger.debug({ err: error }, "upgrade socket error");
  return {
    handleUpgrade(request, socket, head) {
      socket.on("error", onSocketError);
      try {
        if (requestPath(request.url) !== COLLAB_PATH) {
          refuse(socket, "404 Not Found");
          return;
        }
        if (!options.accepting()) {
          refuse(socket, "503 Service Unavailable");
          return;
        }
        server.handleUpgrade(request, socket, head, (ws) => {
          // ws listens for the socket's errors from here on (one closes the
          // WebSocket, which the session logs): a second listener would make
          // Node keep an array of the two for every open socket.
          socket.removeListener("error", onSocketError);
          options.onSocket(ws, sharedRequest as Request, request);
        });
      } catch (error) {
        options.logger.error({ err: error }, "upgrade failed");
        socket.destroy();
      }
    },
  };
}
