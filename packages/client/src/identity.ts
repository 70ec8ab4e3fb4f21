import { isUserColor, userColorOf } from "@tandem/protocol";

/** A person as Tandem shows them: in presence, on carets and on comments. */
export interface TandemUser {
  /** Stable id: the token's `sub` (or a dev-mode id). Comment authorship is checked against it. */
  readonly id: string;
  readonly name: string;
  /** `#rrggbb`. */
  readonly color: string;
  /** `true` for a program (an assistant, a bot), as its token says; absent for a person. */
  readonly program?: true;
}

/** What a host app says about the local user; missing fields come from the token or defaults. */
export interface TandemUserInput {
  readonly id?: string;
  readonly name: string;
  readonly color?: string;
}

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/**
 * Reads who a token says the user is, without verifying it (the server does
 * that): a JWT's `sub`, `name`, `color` and `program` claims, or a dev-mode
 * JSON token `{"id","name","color","program"}`. Returns `undefined` for anything else.
 */
export function userFromToken(token: string | null | undefined): Partial<TandemUser> | undefined {
  if (!token) return undefined;
  let claims: Record<string, unknown> | undefined;
  try {
    const parts = token.split(".");
    const parsed: unknown =
      parts.length === 3 && parts[1] !== undefined ? JSON.parse(base64UrlDecode(parts[1])) : JSON.parse(token);
    if (parsed !== null && typeof parsed === "object") claims = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!claims) return undefined;
  const id = nonEmpty(claims.sub) ? claims.sub : nonEmpty(claims.id) ? claims.id : undefined;
  return {
    ...(id !== undefined ? { id } : {}),
    ...(nonEmpty(claims.name) ? { name: claims.name.trim() } : {}),
    ...(isUserColor(claims.color) ? { color: claims.color } : {}),
    ...(claims.program === true ? { program: true as const } : {}),
  };
}

/**
 * The local user as the server will see them. The server stamps presence and
 * checks comment authorship with the identity in the token, so the token's
 * claims win; `input` fills in what the token does not say, and is the whole
 * identity in dev mode without a token. Missing ids are `dev:<name>` and
 * missing colours come from the id, as the server derives them.
 */
export function resolveUser(input: TandemUserInput | undefined, token: string | null | undefined): TandemUser {
  const claimed = userFromToken(token) ?? {};
  const name = claimed.name ?? (input?.name?.trim() || "Anonymous");
  const id = claimed.id ?? input?.id ?? `dev:${name}`;
  const color = claimed.color ?? userColorOf(id, input?.color);
  return { id, name, color, ...(claimed.program ? { program: true as const } : {}) };
}

/** The dev-mode token for `user`: what a server without `AUTH_SECRET` accepts. */
export function devToken(user: TandemUser): string {
  return JSON.stringify({
    id: user.id,
    name: user.name,
    color: user.color,
    ...(user.program ? { program: true } : {}),
  });
}
