import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { PresenceTracker } from "./tracker.js";

/** An awareness for a remote client and a way to deliver its state to `local`, as the provider does. */
function remote(local: Awareness, user: { id: string; name: string; color: string }) {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState({ user });
  const deliver = () => applyAwarenessUpdate(local, encodeAwarenessUpdate(awareness, [awareness.clientID]), "remote");
  deliver();
  return { awareness, deliver };
}

describe("PresenceTracker", () => {
  let local: Awareness;
  let tracker: PresenceTracker;
  beforeEach(() => {
    vi.useFakeTimers();
    local = new Awareness(new Y.Doc());
    local.setLocalState({ user: { id: "me", name: "Me", color: "#000000" } });
    tracker = new PresenceTracker(local, { idleAfterMs: 10_000, now: () => Date.now() });
  });
  afterEach(() => {
    tracker.destroy();
    vi.useRealTimers();
  });

  it("lists people once each, the local user first, and marks them idle after a while without changes", async () => {
    const ada = { id: "ada", name: "Ada", color: "#0090ff" };
    const tab1 = remote(local, ada);
    vi.advanceTimersByTime(1_000);
    const tab2 = remote(local, ada);
    remote(local, { id: "bo", name: "Bo", color: "#e5484d" });

    let snapshot = tracker.getSnapshot();
    expect(snapshot.peers.map((peer) => peer.user.name)).toEqual(["Me", "Ada", "Bo"]);
    expect(snapshot.peers[1]?.clientIds).toEqual([tab2.awareness.clientID, tab1.awareness.clientID]);
    expect(snapshot.peers.every((peer) => !peer.idle)).toBe(true);

    const changed = vi.fn();
    tracker.subscribe(changed);
    await vi.advanceTimersByTimeAsync(10_001);
    expect(changed).toHaveBeenCalled();
    snapshot = tracker.getSnapshot();
    expect(snapshot.peers.filter((peer) => peer.idle).map((peer) => peer.user.name)).toEqual(["Ada", "Bo"]);
    expect(tracker.msUntilUserIdle("ada")).toBe(0);

    // Awareness renews unchanged states every 15 s; that is not activity.
    tab1.deliver();
    expect(tracker.getSnapshot().peers.find((peer) => peer.user.id === "ada")?.idle).toBe(true);

    // Moving the caret is.
    tab1.awareness.setLocalStateField("cursor", { anchor: {}, head: {} });
    tab1.deliver();
    const ada2 = tracker.getSnapshot().peers.find((peer) => peer.user.id === "ada");
    expect(ada2).toMatchObject({ idle: false, hasCursor: true });
    expect(tracker.msUntilUserIdle("ada")).toBe(10_000);
  });

  it("shows the local user on another device as one person, whose caret there fades when it goes idle", async () => {
    const otherDevice = remote(local, { id: "me", name: "Me", color: "#000000" });
    remote(local, { id: "bo", name: "Bo", color: "#e5484d" });

    const snapshot = tracker.getSnapshot();
    expect(snapshot.peers.map((peer) => [peer.user.id, peer.isSelf])).toEqual([
      ["me", true],
      ["bo", false],
    ]);
    expect(snapshot.peers[0]?.clientIds).toEqual(
      expect.arrayContaining([local.clientID, otherDevice.awareness.clientID]),
    );
    expect(tracker.msUntilUserIdle("me")).toBe(10_000);

    // Only the other device draws a caret here, so only its activity counts for it, and the
    // label fades on time: presence changes at the moment it turns idle.
    vi.advanceTimersByTime(6_000);
    otherDevice.awareness.setLocalStateField("cursor", { anchor: {}, head: {} });
    otherDevice.deliver();
    await vi.advanceTimersByTimeAsync(9_999); // Bo turned idle on the way
    expect(tracker.msUntilUserIdle("me")).toBe(1);
    const changed = vi.fn();
    tracker.subscribe(changed);
    await vi.advanceTimersByTimeAsync(2);
    expect(changed).toHaveBeenCalled();
    expect(tracker.msUntilUserIdle("me")).toBe(0);
    expect(tracker.getSnapshot().peers[0]).toMatchObject({ isSelf: true, idle: false });
  });
});
