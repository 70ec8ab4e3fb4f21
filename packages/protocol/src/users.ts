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
