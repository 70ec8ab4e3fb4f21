/**
 * Per-document roles, from most to least privileged. A token maps document-name
 * patterns to one of these.
 */
export const Roles = ["owner", "editor", "commenter", "viewer"] as const;

/** One of {@link Roles}. */
export type Role = (typeof Roles)[number];

/** What a role may do to a document's content and to its comments document. */
export interface Permissions {
  readonly writeContent: boolean;
  readonly writeComments: boolean;
}

const permissions: Record<Role, Permissions> = {
  owner: { writeContent: true, writeComments: true },
  editor: { writeContent: true, writeComments: true },
  commenter: { writeContent: false, writeComments: true },
  viewer: { writeContent: false, writeComments: false },
};

/** The permissions a role grants. */
export function permissionsOf(role: Role): Permissions {
  return permissions[role];
}

/** Whether `value` names a role; for validating untrusted input. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (Roles as readonly string[]).includes(value);
}
