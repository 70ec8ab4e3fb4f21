import type { PresentUser } from "@tandem/protocol";

/** Up to two initials: "Ada Lovelace" → "AL", "ada" → "A". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => Array.from(word ?? "")[0]?.toUpperCase() ?? "").join("") || "?";
}

/** A round badge with someone's initials in their color. */
export function Avatar({ user, size = "md" }: { user: Pick<PresentUser, "name" | "color">; size?: "sm" | "md" }) {
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ backgroundColor: user.color }}
      title={user.name}
      aria-hidden="true"
    >
      {initials(user.name)}
    </span>
  );
}

/** A small overlapping stack of who is in a document, for the list. */
export function AvatarStack({ users, max = 3 }: { users: readonly PresentUser[]; max?: number }) {
  if (users.length === 0) return null;
  const shown = users.slice(0, max);
  const names = users.map((user) => user.name).join(", ");
  return (
    <span className="avatar-stack" role="img" aria-label={`Here now: ${names}`} title={`Here now: ${names}`}>
      {shown.map((user) => (
        <Avatar key={user.id} user={user} size="sm" />
      ))}
      {users.length > max && <span className="avatar avatar-sm avatar-more">+{users.length - max}</span>}
    </span>
  );
}
