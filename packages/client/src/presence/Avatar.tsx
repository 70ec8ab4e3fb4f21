import type { CSSProperties, ReactNode } from "react";
import { PROGRAM_BADGE } from "../editor/caret.js";
import type { TandemUser } from "../identity.js";

/** Up to two initials of a name, for an avatar. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => [...(word ?? "")][0]?.toUpperCase() ?? "").join("") || "?";
}

/** A round badge with a person's initials in their colour; a program's carries {@link PROGRAM_BADGE}. */
export function Avatar({ user, small }: { readonly user: TandemUser; readonly small?: boolean }): ReactNode {
  return (
    <span
      className={small ? "tandem-avatar is-small" : "tandem-avatar"}
      style={{ "--tandem-user-color": user.color } as CSSProperties}
      aria-hidden="true"
      data-program={user.program ? "true" : undefined}
    >
      {initialsOf(user.name)}
      {user.program ? <span className="tandem-program-badge">{PROGRAM_BADGE}</span> : null}
    </span>
  );
}
