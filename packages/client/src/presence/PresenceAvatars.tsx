import type { CSSProperties, ReactNode } from "react";
import { PROGRAM_BADGE } from "../editor/caret.js";
import { useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import { initialsOf } from "./Avatar.js";
import { usePresenceOf } from "./usePresence.js";

/** Props of {@link PresenceAvatars}. */
export interface PresenceAvatarsProps {
  readonly document: string;
  /** Avatars shown before the rest collapse into "+N". Default 5. */
  readonly max?: number;
  readonly className?: string;
}

/**
 * An avatar stack of the people in a document, the local user first. Idle
 * people are dimmed. Clicking someone follows their caret (the editor keeps
 * it in view) until the local user types, clicks or scrolls; clicking again
 * stops. Each avatar is a button labelled with the name and state, with
 * `data-testid="presence-avatar"`, `data-user-id` and `data-state`
 * (`you`, `active`, `idle`). A program (its token says so) carries a "bot"
 * badge, "(program)" in its label and `data-program="true"`.
 *
 * @example
 * ```tsx
 * <PresenceAvatars document="spec/42" max={4} />
 * ```
 */
export function PresenceAvatars({ document: name, max = 5, className }: PresenceAvatarsProps): ReactNode {
  const document = useTandemDocument(name);
  const presence = usePresenceOf(document);
  const ui = useObservable(document?.ui);
  const peers = presence?.peers ?? [];
  const shown = peers.slice(0, max);
  const hidden = peers.slice(max);
  return (
    <ul
      className={["tandem-avatars", className].filter(Boolean).join(" ")}
      aria-label="People in this document"
      data-testid="presence-avatars"
    >
      {shown.map((peer) => {
        const state = peer.isSelf ? "you" : peer.idle ? "idle" : "active";
        const following = ui?.following === peer.user.id;
        const name = peer.user.program ? `${peer.user.name} (program)` : peer.user.name;
        const label = peer.isSelf
          ? `${name} (you)`
          : `${name}, ${state}${following ? ", following" : peer.hasCursor ? ", click to follow" : ""}`;
        return (
          <li key={peer.user.id} className="tandem-avatars__item">
            <button
              type="button"
              className={["tandem-avatar", `is-${state}`, following ? "is-following" : ""].filter(Boolean).join(" ")}
              style={{ "--tandem-user-color": peer.user.color } as CSSProperties}
              title={label}
              aria-label={label}
              aria-pressed={peer.isSelf ? undefined : following}
              disabled={peer.isSelf || (!peer.hasCursor && !following)}
              data-testid="presence-avatar"
              data-user-id={peer.user.id}
              data-state={state}
              data-program={peer.user.program ? "true" : undefined}
              onClick={() => document?.follow(following ? null : peer.user.id)}
            >
              {initialsOf(peer.user.name)}
              {peer.user.program ? (
                <span className="tandem-program-badge" aria-hidden="true">
                  {PROGRAM_BADGE}
                </span>
              ) : null}
            </button>
          </li>
        );
      })}
      {hidden.length > 0 ? (
        <li className="tandem-avatars__more" title={hidden.map((peer) => peer.user.name).join(", ")}>
          +{hidden.length}
        </li>
      ) : null}
    </ul>
  );
}
