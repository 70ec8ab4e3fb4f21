import { DEFAULT_TENANT } from "@tandem/persistence";
import { isRole, type PresentUser, parseDocumentName, permissionsOf, type Role } from "@tandem/protocol";
import { decodeJwt, errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { TandemServerError } from "../errors.js";
import { type AccessMap, roleFor } from "./access.js";
import { type SharedAccessMap, shareLinkInForce } from "./shared-access.js";
import { unscopeName } from "./tenant-names.js";

/** Who is connected, as the server vouches for it (and stamps on their presence). */
export interface Identity {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly access: AccessMap;
  /**
   * Whether the subject is a program (an assistant, an importer, a bot) rather
   * than a person: the token's `program: true` claim. Presence carries it, so
   * that everyone sees who is a program.
   */
  readonly program: boolean;
  /**
   * The organisation the subject belongs to: the token's `tenant` claim, or
   * {@link DEFAULT_TENANT} when it has none. Everything a subject reaches
   * (documents, comments, webhooks, audit entries) is its tenant's.
   */
  readonly tenant: string;
  /** Where notification digests go: the token's optional `email` claim (see docs/notifications.md). */
  readonly email?: string;
  /** When the token it came from expires, in milliseconds since the epoch; dev-mode identities do not expire. */
  readonly expiresAt?: number;
  /**
   * Roles share links add on single documents: the grants in force when the
   * identity was authenticated (see `withShareLinks`). {@link accessTo}
   * combines them with `access`.
   */
  readonly shared?: SharedAccessMap;
}

/** A tenant id: lowercase letters, digits and inner hyphens, as it appears in URLs, logs and Redis channels. */
const tenant = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "must be lowercase letters, digits and inner hyphens");

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour");

const claims = z.object({
  sub: z.string().min(1).max(200),
  // Trimmed as the client kit reads it: the comments check compares the name a client records with this one.
  name: z.string().trim().min(1).max(100),
  color: color.optional(),
  program: z.boolean().optional(),
  tenant: tenant.optional(),
  email: z.email().max(320).optional(),
  access: z.record(z.string().min(1).max(200), z.string().refine(isRole, "must be owner, editor, commenter or viewer")),
});

const devToken = z.object({
  id: z.string().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(100).default("Anonymous"),
  color: color.optional(),
  program: z.boolean().optional(),
  tenant: tenant.optional(),
  email: z.email().max(320).optional(),
});

// A stable colour per user id, for tokens that do not carry one.
const palette = ["#e5484d", "#f76b15", "#ffc53d", "#46a758", "#12a594", "#0090ff", "#8e4ec6", "#d6409f"];
function colorFor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return palette[hash % palette.length] as string;
}

/** Turns what a client sends as its token into an {@link Identity}. */
export interface Authenticator {
  /** True when no secret is configured and anyone may connect as an editor. */
  readonly devMode: boolean;
  /** @throws TandemServerError `invalid-token` */
  authenticate(token: string): Promise<Identity>;
  /**
   * The tenant `token` says it is of, unverified ({@link DEFAULT_TENANT} when
   * it says none, or cannot be read): enough to route the frames of a socket
   * to that tenant's documents before its token is checked, never to grant
   * anything, since `authenticate` then verifies the token and access is
   * refused when its identity is of another tenant than the document.
   */
  claimedTenant(token: string): string;
}

/** The `tenant` claim of decoded token claims, when it is a valid tenant id. */
function tenantClaim(claimed: unknown): string {
  const found = tenant.safeParse((claimed as { tenant?: unknown } | null)?.tenant);
  return found.success ? found.data : DEFAULT_TENANT;
}

/**
 * With a secret: HS256 JWTs with claims `sub`, `name`, optional `color` and
 * `access`. Without one (dev mode): the token is optional JSON
 * `{"name": "Ada", "color": "#0090ff", "id": "ada"}` and everyone is an editor
 * of everything. Either may say `program: true` (see {@link Identity.program}).
 */
export function createAuthenticator(secret: string | undefined): Authenticator {
  if (secret === undefined) {
    return {
      devMode: true,
      async authenticate(token) {
        let parsed: unknown = {};
        try {
          parsed = token.trim() === "" ? {} : JSON.parse(token);
        } catch {
          throw new TandemServerError("invalid-token", 'dev mode expects the token to be JSON like {"name":"Ada"}');
        }
        const result = devToken.safeParse(parsed);
        if (!result.success) throw new TandemServerError("invalid-token", `bad dev token: ${result.error.message}`);
        const id = result.data.id ?? `dev:${result.data.name}`;
        return {
          id,
          name: result.data.name,
          color: result.data.color ?? colorFor(id),
          access: { "*": "editor" },
          program: result.data.program === true,
          tenant: result.data.tenant ?? DEFAULT_TENANT,
          ...(result.data.email ? { email: result.data.email } : {}),
        };
      },
      claimedTenant(token) {
        try {
          return tenantClaim(JSON.parse(token));
        } catch {
          return DEFAULT_TENANT;
        }
      },
    };
  }
  // Imported once, at the first token: given the secret's bytes, jose imports them again for every token, which
  // doubled the CPU a verification costs (21 against 10 µs, 33 against 15 µs of wall time).
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  return {
    devMode: false,
    async authenticate(token) {
      let payload: unknown;
      try {
        // Only HS256 (no `alg: none`, no key confusion), and a token must say when it expires.
        key ??= crypto.subtle.importKey(
          "raw",
          new TextEncoder().encode(secret),
          { name: "HMAC", hash: "SHA-256" },
          false,
          ["verify"],
        );
        ({ payload } = await jwtVerify(token, await key, { algorithms: ["HS256"], requiredClaims: ["exp"] }));
      } catch (error) {
        const reason = error instanceof errors.JWTExpired ? "token expired" : "token did not verify";
        throw new TandemServerError("invalid-token", reason, { cause: error });
      }
      const result = claims.safeParse(payload);
      if (!result.success) throw new TandemServerError("invalid-token", `bad token claims: ${result.error.message}`);
      const { sub, name, access } = result.data;
      return {
        id: sub,
        name,
        color: result.data.color ?? colorFor(sub),
        access: access as AccessMap,
        program: result.data.program === true,
        tenant: result.data.tenant ?? DEFAULT_TENANT,
        ...(result.data.email ? { email: result.data.email } : {}),
        // jose checked that `exp` is a number of seconds in the future.
        expiresAt: (payload as { exp: number }).exp * 1000,
      };
    },
    claimedTenant(token) {
      try {
        return tenantClaim(decodeJwt(token));
      } catch {
        return DEFAULT_TENANT;
      }
    },
  };
}

/**
 * How everyone else sees `identity`: in presence (the server stamps it on
 * every awareness state), in a document's list of who is here, in the
 * session. `program` is present only for programs, so a person's entry is
 * exactly `{ id, name, color }`.
 */
export function presentUserOf(identity: Identity): PresentUser {
  const user = { id: identity.id, name: identity.name, color: identity.color };
  return identity.program ? { ...user, program: true } : user;
}

/** What an identity may do on one document. */
export interface DocumentAccess {
  readonly role: Role;
  /** Whether its updates are applied: content from editor up, a `#comments` document from commenter up. */
  readonly canWrite: boolean;
}

/**
 * The role `identity` has on `documentName` and whether it may write there;
 * `undefined` for no access. The one rule for the WebSocket and the REST API:
 * the token's role, raised by a share link in force on the document (a link
 * never lowers a role).
 *
 * `documentName` is the server's name (see `scopeName`): a document of
 * another tenant is out of reach whatever the token's patterns say; on one
 * of its own tenant they apply to the name its clients know.
 */
export function accessTo(identity: Identity, documentName: string): DocumentAccess | undefined {
  const { tenant: owner, name } = unscopeName(documentName);
  if (owner !== identity.tenant) return undefined;
  const role = shareLinkInForce(identity, documentName)?.role ?? roleFor(identity.access, name);
  if (role === undefined) return undefined;
  const permissions = permissionsOf(role);
  const canWrite = parseDocumentName(documentName).isComments ? permissions.writeComments : permissions.writeContent;
  return { role, canWrite };
}

/**
 * Signs a token the server accepts, for `tandem-server token` and for tests.
 *
 * @param expiresIn a duration (`"1h"`, `"7d"`) or an absolute time in seconds since the epoch.
 * @throws TandemServerError `invalid-config` when the claims would not verify.
 *
 * @example
 * ```ts
 * const token = await signToken(process.env.AUTH_SECRET, { sub: "u1", name: "Ada", access: { "spec/*": "editor" } }, "1h");
 * ```
 */
export async function signToken(
  secret: string,
  identity: {
    sub: string;
    name: string;
    color?: string;
    program?: boolean;
    tenant?: string;
    email?: string;
    access: AccessMap;
  },
  expiresIn: string | number = "12h",
): Promise<string> {
  const checked = claims.safeParse(identity);
  if (!checked.success) throw new TandemServerError("invalid-config", `bad token claims: ${checked.error.message}`);
  const { sub, name, color, program, tenant, email, access } = checked.data;
  try {
    return await new SignJWT({
      name,
      access,
      ...(color ? { color } : {}),
      ...(program ? { program } : {}),
      ...(tenant ? { tenant } : {}),
      ...(email ? { email } : {}),
    })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(secret));
  } catch (error) {
    // jose refuses an expiry it cannot read ("tomorrow").
    throw new TandemServerError("invalid-config", `cannot sign the token: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
