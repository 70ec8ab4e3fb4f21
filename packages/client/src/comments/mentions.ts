import type { TandemUser } from "../identity.js";

/**
 * @mentions are plain text: a comment says `@Ada Lovelace`, and the ids of
 * the people it names are stored beside the body. No markup to escape, and a
 * comment reads the same wherever it is shown.
 */

/** The people whose `@Name` appears in `body`, longest names first so `@Ada Lovelace` wins over `@Ada`. */
export function mentionsIn(body: string, people: readonly TandemUser[]): TandemUser[] {
  const found: TandemUser[] = [];
  let rest = body;
  for (const person of [...people].sort((a, b) => b.name.length - a.name.length)) {
    const token = `@${person.name}`;
    if (person.name !== "" && rest.includes(token)) {
      found.push(person);
      rest = rest.split(token).join(" ");
    }
  }
  return found;
}

/**
 * The partial mention being typed just before `caret`, such as `"ad"` for
 * `"Thanks @ad|"`, or `undefined` when the caret is not in one. A mention
 * starts at an `@` at the start or after whitespace and may contain spaces
 * (names do), up to 40 characters.
 */
export function mentionQueryAt(text: string, caret: number): { query: string; start: number } | undefined {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at === -1 || (at > 0 && !/\s/.test(before[at - 1] as string))) return undefined;
  const query = before.slice(at + 1);
  if (query.length > 40 || query.includes("\n")) return undefined;
  return { query, start: at };
}

/** People whose name starts with (or has a word starting with) `query`, case-insensitively. */
export function matchPeople(people: readonly TandemUser[], query: string, limit = 8): TandemUser[] {
  const wanted = query.trim().toLowerCase();
  return people
    .filter((person) => {
      const name = person.name.toLowerCase();
      return wanted === "" || name.startsWith(wanted) || name.split(/\s+/).some((word) => word.startsWith(wanted));
    })
    .slice(0, limit);
}

/** `body` split into text and mention parts, for rendering mentions highlighted. */
export function splitMentions(
  body: string,
  mentioned: readonly TandemUser[],
): Array<{ text: string; person?: TandemUser }> {
  const parts: Array<{ text: string; person?: TandemUser }> = [];
  const byToken = new Map(mentioned.map((person) => [`@${person.name}`, person]));
  const tokens = [...byToken.keys()].sort((a, b) => b.length - a.length);
  let rest = body;
  while (rest !== "") {
    let next: { at: number; token: string } | undefined;
    for (const token of tokens) {
      const at = rest.indexOf(token);
      if (at !== -1 && (next === undefined || at < next.at)) next = { at, token };
    }
    if (next === undefined) {
      parts.push({ text: rest });
      break;
    }
    if (next.at > 0) parts.push({ text: rest.slice(0, next.at) });
    const person = byToken.get(next.token);
    parts.push(person ? { text: next.token, person } : { text: next.token });
    rest = rest.slice(next.at + next.token.length);
  }
  return parts;
}
