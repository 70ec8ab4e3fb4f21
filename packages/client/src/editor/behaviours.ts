import type { Editor } from "@tiptap/core";
import { useEffect } from "react";
import type { TandemDocument } from "../provider/document.js";
import { syncCaretIdleState } from "./caret.js";

function cssString(value: string): string {
  return typeof CSS !== "undefined" && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
}

/** Scrolls a thread's highlighted text into view when the sidebar asks (`selectThread(id, { reveal: true })`). */
export function useRevealThread(editor: Editor | null, document: TandemDocument): void {
  useEffect(() => {
    if (!editor) return;
    let seen = document.ui.get().revealRequest;
    return document.ui.subscribe(() => {
      const { revealRequest, activeThreadId } = document.ui.get();
      if (revealRequest === seen) return;
      seen = revealRequest;
      if (!activeThreadId) return;
      // The highlight is redrawn after the selection changes; look for it once it has been.
      requestAnimationFrame(() => {
        if (editor.isDestroyed) return;
        editor.view.dom
          .querySelector(`[data-thread-id="${cssString(activeThreadId)}"]`)
          ?.scrollIntoView({ block: "center", behavior: "smooth" });
      });
    });
  }, [editor, document]);
}

/**
 * Follows a user's caret while `ui.following` names them: keeps it in view
 * as they move, and stops when the local user types, clicks or scrolls
 * (clicks on the avatars toggle following themselves), or when the followed
 * user leaves.
 */
export function useFollowUser(editor: Editor | null, document: TandemDocument): void {
  useEffect(() => {
    if (!editor) return;
    let stopListening: (() => void) | undefined;
    let frame = 0;
    const reveal = () => {
      const following = document.ui.get().following;
      if (!following || editor.isDestroyed) return;
      if (!document.presence.getSnapshot().peers.some((peer) => peer.user.id === following)) {
        document.follow(null);
        return;
      }
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (editor.isDestroyed) return;
        editor.view.dom
          .querySelector(`.tandem-caret[data-user-id="${cssString(following)}"]`)
          ?.scrollIntoView({ block: "nearest", behavior: "smooth" });
      });
    };
    const onLocalAction = (event: Event) => {
      // A click on the avatars toggles following itself.
      const onAvatars = event.target instanceof Element && event.target.closest(".tandem-avatars") !== null;
      if (onAvatars && event.type !== "keydown") return;
      document.follow(null);
    };
    const update = () => {
      const following = document.ui.get().following;
      if (following && !stopListening) {
        const events = ["keydown", "pointerdown", "wheel", "touchstart"] as const;
        for (const type of events) window.addEventListener(type, onLocalAction, { capture: true, passive: true });
        stopListening = () => {
          for (const type of events) window.removeEventListener(type, onLocalAction, { capture: true });
        };
      } else if (!following && stopListening) {
        stopListening();
        stopListening = undefined;
      }
      reveal();
    };
    const stopUi = document.ui.subscribe(update);
    const stopPresence = document.presence.subscribe(reveal);
    update();
    return () => {
      cancelAnimationFrame(frame);
      stopUi();
      stopPresence();
      stopListening?.();
    };
  }, [editor, document]);
}

/** Keeps remote carets' labels faded while their users are idle. */
export function useCaretIdleState(editor: Editor | null, document: TandemDocument): void {
  useEffect(() => {
    if (!editor) return;
    return document.presence.subscribe(() => {
      if (!editor.isDestroyed) syncCaretIdleState(editor.view.dom, document.presence);
    });
  }, [editor, document]);
}
