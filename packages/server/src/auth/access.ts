import { isRole, parseDocumentName, type Role } from "@tandem/protocol";

/** A token's `access` claim: document-name patterns (`*` matches any run of characters) to roles. */
export type AccessMap = Readonly<Record<string, Role>>;

function matches(pattern: string, name: string): boolean {
  const parts = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`).test(name);
}

/**
 * The role `access` grants on `documentName`, or `undefined` for none.
 *
 * A comments document (`spec/42#comments`) takes the role of its content
 * document. When several patterns match, the most specific wins: an exact
 * name beats any wildcard, and a longer pattern beats a shorter one, so
 * `{ "*": "viewer", "spec/*": "editor" }` makes `spec/42` editable.
 */
export function roleFor(access: AccessMap, documentName: string): Role | undefined {
  const { content } = parseDocumentName(documentName);
  let best: { role: Role; score: number } | undefined;
  for (const [pattern, role] of Object.entries(access)) {
    if (!isRole(role) || !matches(pattern, content)) continue;
    const score = pattern.includes("*") ? pattern.length : Number.MAX_SAFE_INTEGER;
    if (!best || score > best.score) best = { role, score };
  }
  return best?.role;
}

/** Parses `pattern=role,pattern=role` as given to `tandem-server token --access`. */
export function parseAccessSpec(spec: string): AccessMap {
  const access: Record<string, Role> = {};
  for (const entry of spec.split(",").filter((part) => part.trim() !== "")) {
    const [pattern, role] = entry.split("=").map((part) => part.trim());
    if (!pattern || !isRole(role)) {
      throw new Error(`"${entry}" is not pattern=role with role one of owner, editor, commenter, viewer`);
    }
    access[pattern] = role;
  }
  return access;
}
