import type { SessionInfo } from "@tandem/protocol";

/**
 * Who the person at this page is, before the server confirms it:
 *
 * - a token from the link that opened the page (`#token=…` or `?token=…`), as an
 *   integrator's app hands it out; it is kept in localStorage so that shared
 *   document links opened later in this browser work, and removed from the
 *   address bar at once so it is never copied along with a link;
 * - else, on a dev-mode server, the name and color picked here, sent as the
 *   dev-mode token `{"id","name","color"}`.
 *
 * The session the server confirmed last is kept too, so that the page opens
 * while offline (documents then load from this device, see the client kit's
 * `keepOnDevice`). Signing out forgets all of it.
 */

const TOKEN_KEY = "tandem.token";
const PROFILE_KEY = "tandem.profile";
const SESSION_KEY = "tandem.session";

/** The name and color picked on a dev-mode server. */
export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

/** Colors offered by the picker: distinct in light and dark themes and readable under white text. */
export const profileColors = [
  { name: "Red", value: "#e5484d" },
  { name: "Orange", value: "#f76b15" },
  { name: "Amber", value: "#d6a100" },
  { name: "Green", value: "#30a46c" },
  { name: "Teal", value: "#12a594" },
  { name: "Blue", value: "#0090ff" },
  { name: "Indigo", value: "#3e63dd" },
  { name: "Purple", value: "#8e4ec6" },
  { name: "Pink", value: "#d6409f" },
] as const;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    // Storage can be disabled (privacy settings, sandboxed iframes): the page then forgets on reload.
    return undefined;
  }
}

/**
 * Takes a token out of the address (`?token=` or a `token=` parameter in the
 * hash, such as `#token=…` or `#/d/spec/abc&token=…`), stores it, and rewrites
 * the address without it. Returns whether there was one.
 */
export function takeTokenFromUrl(): boolean {
  const url = new URL(window.location.href);
  let token = url.searchParams.get("token") ?? undefined;
  url.searchParams.delete("token");
  const hash = url.hash.replace(/^#/, "");
  const match = /(^|[&?])token=([^&]*)/.exec(hash);
  if (match) {
    token = decodeURIComponent(match[2] ?? "");
    url.hash = hash.replace(match[0], "").replace(/^[&?]/, "");
  }
  if (token !== undefined) {
    window.history.replaceState(null, "", url.toString().replace(/#$/, ""));
    if (token === "") storage()?.removeItem(TOKEN_KEY);
    else storage()?.setItem(TOKEN_KEY, token);
  }
  return token !== undefined;
}

/** The token from the last link that carried one, unless the server refused it since. */
export function storedToken(): string | undefined {
  return storage()?.getItem(TOKEN_KEY) ?? undefined;
}

/** Forgets a token the server refused (expired or revoked). */
export function forgetToken(): void {
  storage()?.removeItem(TOKEN_KEY);
}

/** The profile picked earlier in this browser, if any. */
export function loadProfile(): Profile | undefined {
  try {
    const value = JSON.parse(storage()?.getItem(PROFILE_KEY) ?? "null") as Partial<Profile> | null;
    if (typeof value?.id === "string" && typeof value.name === "string" && typeof value.color === "string") {
      return { id: value.id, name: value.name, color: value.color };
    }
  } catch {
    // A damaged entry is the same as none: the picker asks again.
  }
  return undefined;
}

/** Remembers the profile (its id stays the same across renames, so presence and comments keep their author). */
export function saveProfile(name: string, color: string): Profile {
  const id = loadProfile()?.id ?? `dev-${crypto.randomUUID().slice(0, 8)}`;
  const profile = { id, name: name.trim(), color };
  storage()?.setItem(PROFILE_KEY, JSON.stringify(profile));
  return profile;
}

/**
 * The dev-mode token for `profile`: its JSON, with every non-ASCII character
 * escaped (`\u00eb`), because HTTP header values are bytes and a name like
 * "Zoë" would not fit an `Authorization` header otherwise. JSON.parse on the
 * server reads the escapes back.
 */
export function devToken(profile: Profile): string {
  return JSON.stringify(profile).replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Remembers the session the server confirmed for `credential`, for opening the page offline. */
export function rememberSession(credential: string | undefined, session: SessionInfo): void {
  storage()?.setItem(SESSION_KEY, JSON.stringify({ credential: credential ?? null, session }));
}

/** The session last confirmed for `credential`, if any: who this is while the server cannot be reached. */
export function rememberedSession(credential: string | undefined): SessionInfo | undefined {
  try {
    const value = JSON.parse(storage()?.getItem(SESSION_KEY) ?? "null") as {
      credential: string | null;
      session: SessionInfo;
    } | null;
    if (value && value.credential === (credential ?? null) && typeof value.session?.user?.id === "string") {
      return value.session;
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

/** Forgets who signed in here: the token, the profile and the remembered session. */
export function forgetIdentity(): void {
  for (const key of [TOKEN_KEY, PROFILE_KEY, SESSION_KEY]) storage()?.removeItem(key);
}
