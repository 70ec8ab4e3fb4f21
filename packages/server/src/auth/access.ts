import { isRole, parseDocumentName, type Role, Roles } from "@tandem/protocol";
import { TandemServerError } from "../errors.js";

/** A token's `access` claim: document-name patterns (`*` matches any run of characters) to roles. */
export type AccessMap = Readonly<Record<string, Role>>;

/**
 * Whether `name` matches `pattern`, where `*` matches any run of characters
 * (including `/` and none at all) and every other character only itself.
 * Greedy with one backtrack point, so at worst O(name × pattern) — unlike a
 * `.*`-joined regular expression, which backtracks exponentially on patterns
 * like `a*a*a*a*b`.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = n;
    } else if (p < pattern.length && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

function specificity(pattern: string): number {
  if (!pattern.includes("*")) return Number.POSITIVE_INFINITY;
  return pattern.length - pattern.split("*").length + 1; // the literal characters
}

function lessPrivileged(a: Role, b: Role): Role {
  return Roles.indexOf(a) >= Roles.indexOf(b) ? a : b;
}

/**
 * The role `access` grants on `documentName`, or `undefined` for none.
 *
 * A comments document (`spec/42#comments`) takes the role of its content
 * document (`spec/42`). When several patterns match, the most specific wins:
 * 1. an exact name (no `*`) beats every wildcard;
 * 2. among wildcards, the one with more literal (non-`*`) characters wins, so
 *    `{ "*": "viewer", "spec/*": "editor" }` makes `spec/42` editable;
 * 3. on a tie, the less privileged role wins (`{ "team/*": "editor", "*\/plan": "viewer" }`
 *    makes `team/plan` read-only): a token never grants more than the least
 *    of its equally specific entries.
 */
export function roleFor(access: AccessMap, documentName: string): Role | undefined {
  const { content } = parseDocumentName(documentName);
  let best: { role: Role; score: number } | undefined;
  for (const [pattern, role] of Object.entries(access)) {
    if (!isRole(role) || !matchesPattern(pattern, content)) continue;
    const score = specificity(pattern);
    if (!best || score > best.score) best = { role, score };
    else if (score === best.score) best = { role: lessPrivileged(role, best.role), score };
  }
  return best?.role;
}

/**
 * Parses `pattern=role,pattern=role` as given to `tandem-server token --access`.
 *
 * @throws TandemServerError `invalid-config` naming the entry that is not `pattern=role`.
 */
export function parseAccessSpec(spec: string): AccessMap {
  const access: Record<string, Role> = {};
  for (const entry of spec.split(",").filter((part) => part.trim() !== "")) {
    const [pattern, role, ...rest] = entry.split("=").map((part) => part.trim());
    if (!pattern || !isRole(role) || rest.length > 0) {
      throw new TandemServerError(
        "invalid-config",
        `"${entry}" is not pattern=role with role one of ${Roles.join(", ")}`,
      );
    }
    access[pattern] = role;
  }
  if (Object.keys(access).length === 0) throw new TandemServerError("invalid-config", "--access grants nothing");
  return access;
}
