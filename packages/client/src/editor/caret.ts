import { userColorOf } from "@tandem/protocol";
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import type { DecorationAttrs, EditorView } from "@tiptap/pm/view";
import type { PresenceTracker } from "../presence/tracker.js";

const IDLE_CLASS = "is-idle";
const SHIFT_PROPERTY = "--tandem-caret-label-shift";

/** The label of a caret that belongs to the local user, in another tab or on another device. */
export const OWN_CARET_LABEL = "you (other device)";

/** The badge beside the name of a program (an assistant, a bot) on its caret and avatar. */
export const PROGRAM_BADGE = "bot";

/** How a remote caret looks: whose it is, its label and its colour. */
export interface CaretLook {
  readonly userId: string;
  readonly label: string;
  /** Always `#rrggbb`: it goes into CSS. */
  readonly color: string;
  /** Whether the caret is a program's (the server stamps this from its token), shown with {@link PROGRAM_BADGE}. */
  readonly program: boolean;
}

/**
 * How to draw the caret of the awareness `user` (whatever a peer put there)
 * for the local user `localUserId`. The colour is checked here as well as
 * stamped by the server: it goes into an inline style, and the server is
 * not the only thing that can write awareness (a relay, a future server, a
 * host app's own provider). The local user's own other tab or device shows
 * as {@link OWN_CARET_LABEL} rather than as their own name, which read as
 * someone else with the same name.
 */
export function caretLook(user: Record<string, unknown>, localUserId: string): CaretLook {
  const userId = typeof user.id === "string" ? user.id : "";
  const name = typeof user.name === "string" && user.name !== "" ? user.name : "Anonymous";
  return {
    userId,
    label: userId !== "" && userId === localUserId ? OWN_CARET_LABEL : name,
    color: userColorOf(userId, user.color),
    program: user.program === true,
  };
}

/**
 * Builds the DOM of a remote caret: a bar in the user's colour with a name
 * label. The label fades (CSS transition on `.tandem-caret.is-idle`) while
 * the user is idle; {@link syncCaretIdleState} keeps the class current, and
 * {@link CaretLabels} keeps the label inside the editor.
 */
export function caretRenderer(
  presence: PresenceTracker,
  localUserId: string,
): (user: Record<string, unknown>) => HTMLElement {
  return (user) => {
    const look = caretLook(user, localUserId);
    const caret = document.createElement("span");
    caret.className = "tandem-caret";
    caret.dataset.userId = look.userId;
    caret.dataset.testid = "remote-caret";
    caret.style.setProperty("--tandem-user-color", look.color);
    caret.classList.toggle(IDLE_CLASS, presence.msUntilUserIdle(look.userId) === 0);
    const label = document.createElement("span");
    label.className = "tandem-caret__label";
    label.textContent = look.label;
    if (look.program) {
      caret.dataset.program = "true";
      const badge = document.createElement("span");
      badge.className = "tandem-program-badge";
      badge.title = "a program, not a person";
      badge.textContent = PROGRAM_BADGE;
      label.append(badge);
    }
    caret.append(label);
    return caret;
  };
}

/** The highlight of a remote selection, in the caret's (checked) colour. */
export function caretSelection(localUserId: string): (user: Record<string, unknown>) => DecorationAttrs {
  return (user) => ({
    class: "ProseMirror-yjs-selection",
    style: `background-color: ${caretLook(user, localUserId).color}70`,
  });
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

/**
 * How far (in px) to move a caret label left so that it stays inside the
 * editor: not at all while it fits, else just enough to end at the right
 * edge, but never past the left edge. `naturalLeft` is where the label
 * starts when not moved.
 */
export function caretLabelShift(naturalLeft: number, width: number, bounds: { left: number; right: number }): number {
  const overflow = naturalLeft + width - bounds.right;
  return Math.max(0, Math.min(overflow, naturalLeft - bounds.left));
}

/**
 * Moves each caret label under `view` left when it would stick out of the
 * editor's right edge (a caret at the end of a long line). All reads come
 * before all writes, so the page lays out once.
 */
function placeCaretLabels(view: EditorView): void {
  const bounds = view.dom.getBoundingClientRect();
  const labels = [...view.dom.querySelectorAll<HTMLElement>(".tandem-caret__label")];
  const shifts = labels.map((label) => {
    const rect = label.getBoundingClientRect();
    const current = Number.parseFloat(label.style.getPropertyValue(SHIFT_PROPERTY)) || 0;
    return caretLabelShift(rect.left + current, rect.width, bounds);
  });
  labels.forEach((label, index) => {
    const shift = shifts[index] ?? 0;
    if (shift > 0) label.style.setProperty(SHIFT_PROPERTY, `${shift}px`);
    else label.style.removeProperty(SHIFT_PROPERTY);
    label.classList.toggle("is-shifted", shift > 0);
  });
}

/**
 * Keeps remote caret labels inside the editor. Carets move with every
 * transaction (remote edits and awareness changes both arrive as one), and
 * the layout changes when the editor is resized; either way the labels are
 * placed again in the next frame, once, however many changes came in it.
 */
export const CaretLabels = Extension.create({
  name: "tandemCaretLabels",
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey("tandemCaretLabels"),
        view(view) {
          let frame = 0;
          const schedule = () => {
            if (frame !== 0) return;
            frame = requestAnimationFrame(() => {
              frame = 0;
              placeCaretLabels(view);
            });
          };
          const resize = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(schedule);
          resize?.observe(view.dom);
          schedule();
          return {
            update: schedule,
            destroy: () => {
              cancelAnimationFrame(frame);
              resize?.disconnect();
            },
          };
        },
      }),
    ];
  },
});
