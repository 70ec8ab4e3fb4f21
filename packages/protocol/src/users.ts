/**
 * Presentation defaults for users, shared so that every part of Tandem shows
 * a person the same way.
 */

const palette = ["#e5484d", "#f76b15", "#ffc53d", "#46a758", "#12a594", "#0090ff", "#8e4ec6", "#d6409f"] as const;

/**
 * A stable colour for a user whose token carries none: the same id always
 * gets the same one of eight distinct colours.
 *
 * @example
 * ```ts
 * const color = claims.color ?? defaultUserColor(claims.sub);
 * ```
 */
export function defaultUserColor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return palette[hash % palette.length] as string;
}

const userColorPattern = /^#[0-9a-fA-F]{6}$/;

/**
 * Whether `value` is a colour Tandem accepts for a person: `#rrggbb`, the
 * only form tokens may claim, the server stamps on presence and the comments
 * document stores.
 */
export function isUserColor(value: unknown): value is string {
  return typeof value === "string" && userColorPattern.test(value);
}

/**
 * The colour to show for the user `id`: `color` when it is `#rrggbb`, else
 * {@link defaultUserColor}. Colours from peers end up in CSS (inline custom
 * properties), so nothing but `#rrggbb` is let through, whoever sent it.
 *
 * @example
 * ```ts
 * caret.style.setProperty("--tandem-user-color", userColorOf(user.id, user.color));
 * ```
 */
export function userColorOf(id: string, color: unknown): string {
  return isUserColor(color) ? color : defaultUserColor(id);
}
