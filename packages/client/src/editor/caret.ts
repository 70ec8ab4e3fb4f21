import type { PresenceTracker } from "../presence/tracker.js";

const IDLE_CLASS = "is-idle";

/**
 * Builds the DOM of a remote caret: a bar in the user's colour with a name
 * label. The label fades (CSS transition on `.tandem-caret.is-idle`) while
 * the user is idle; {@link syncCaretIdleState} keeps the class current.
 */
export function caretRenderer(presence: PresenceTracker): (user: Record<string, unknown>) => HTMLElement {
  return (user) => {
    const id = typeof user.id === "string" ? user.id : "";
    const name = typeof user.name === "string" ? user.name : "Anonymous";
    const color = typeof user.color === "string" ? user.color : "#888888";
    const caret = document.createElement("span");
    caret.className = "tandem-caret";
    caret.dataset.userId = id;
    caret.dataset.testid = "remote-caret";
    caret.style.setProperty("--tandem-user-color", color);
    caret.classList.toggle(IDLE_CLASS, presence.msUntilUserIdle(id) === 0);
    const label = document.createElement("span");
    label.className = "tandem-caret__label";
    label.textContent = name;
    caret.append(label);
    return caret;
  };
}

/**
 * Marks the carets under `root` idle or active. ProseMirror keeps a caret's
 * element while its user types in place, so the class is updated here on
 * every presence change (including the moment someone turns idle) rather
 * than only when a caret is drawn.
 */
export function syncCaretIdleState(root: ParentNode, presence: PresenceTracker): void {
  for (const caret of root.querySelectorAll<HTMLElement>(".tandem-caret")) {
    caret.classList.toggle(IDLE_CLASS, presence.msUntilUserIdle(caret.dataset.userId ?? "") === 0);
  }
}
