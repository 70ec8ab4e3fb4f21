import { EventEmitter } from "node:events";
import { CloseCodes } from "@tandem/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebSocket } from "ws";
import { createLogger } from "../logger.js";
import { createMetrics } from "../metrics.js";
import { FragmentPump } from "./fragment-pump.js";
import { SocketSession } from "./socket-session.js";
import { UnauthenticatedBytes } from "./unauthenticated-bytes.js";

/** Just enough of a ws socket for a session that is never started: it records how it was closed. */
function fakeSocket() {
  const closes: number[] = [];
  const socket = Object.assign(new EventEmitter(), {
    close: (code: number) => closes.push(code),
  });
  return { socket: socket as unknown as WebSocket, closes };
}

function session(socket: WebSocket): SocketSession {
  return new SocketSession(socket, "127.0.0.1", {
    logger: createLogger("silent"),
    metrics: createMetrics(
      () => 0,
      () => 0,
    ),
    maxBytesPerSecond: 100_000,
    maxBurstBytes: 200_000,
    maxThrottledMs: 60_000,
    authTimeoutMs: 60_000,
    idleTimeoutMs: 60_000,
    unauthenticated: new UnauthenticatedBytes(1024),
    maxBufferedBytes: 1024,
    fragments: new FragmentPump(1024, 4096),
    claimedTenant: () => "default",
    onClosed: () => {},
  });
}

describe("SocketSession token expiry", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("closes with 4401 at the earliest expiry it was given, not before", () => {
    const { socket, closes } = fakeSocket();
    const connection = session(socket);
    connection.expireAt(Date.now() + 60_000);
    connection.expireAt(Date.now() + 2_000);
    connection.expireAt(Date.now() + 30_000); // a later one changes nothing
    vi.advanceTimersByTime(1_999);
    expect(closes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closes).toEqual([CloseCodes.Unauthorized.code]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not keep the process alive, and leaves no timer once closed", () => {
    const { socket, closes } = fakeSocket();
    const connection = session(socket);
    const setTimer = vi.spyOn(globalThis, "setTimeout");
    connection.expireAt(Date.now() + 2_000);
    const timer = setTimer.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    connection.close("ShuttingDown");
    expect(vi.getTimerCount()).toBe(0);
    connection.expireAt(Date.now() + 1_000); // after close: ignored
    expect(vi.getTimerCount()).toBe(0);
    expect(closes).toEqual([CloseCodes.ShuttingDown.code]);
  });

  it("waits out an expiry beyond setTimeout's longest delay instead of firing at once", () => {
    const { socket, closes } = fakeSocket();
    const connection = session(socket);
    const inFortyDays = 40 * 24 * 3600 * 1000;
    connection.expireAt(Date.now() + inFortyDays);
    vi.advanceTimersByTime(2 ** 31);
    expect(closes).toEqual([]);
    vi.advanceTimersByTime(inFortyDays - 2 ** 31);
    expect(closes).toEqual([CloseCodes.Unauthorized.code]);
  });
});
