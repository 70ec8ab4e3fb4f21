import { isRole, parseDocumentName, permissionsOf, type Role } from "@tandem/protocol";
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { TandemServerError } from "../errors.js";
import { type AccessMap, roleFor } from "./access.js";

/** Who is connected, as the server vouches for it (and stamps on their presence). */
export interface Identity {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly access: AccessMap;
}

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour");

const claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().min(1).max(100),
  color: color.optional(),
  access: z.record(z.string().min(1).max(200), z.string().refine(isRole, "must be owner, editor, commenter or viewer")),
});

const devToken = z.object({
  id: z.string().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(100).default("Anonymous"),
  color: color.optional(),
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
}

/**
 * With a secret: HS256 JWTs with claims `sub`, `name`, optional `color` and
 * `access`. Without one (dev mode): the token is optional JSON
 * `{"name": "Ada", "color": "#0090ff", "id": "ada"}` and everyone is an editor
 * of everything.
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
        return { id, name: result.data.name, color: result.data.color ?? colorFor(id), access: { "*": "editor" } };
      },
    };
  }
  const key = new TextEncoder().encode(secret);
  return {
    devMode: false,
    async authenticate(token) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms: ["HS256"] }));
      } catch (error) {
        const reason = error instanceof errors.JWTExpired ? "token expired" : "token did not verify";
        throw new TandemServerError("invalid-token", reason, { cause: error });
      }
      const result = claims.safeParse(payload);
      if (!result.success) throw new TandemServerError("invalid-token", `bad token claims: ${result.error.message}`);
      const { sub, name, access } = result.data;
      return { id: sub, name, color: result.data.color ?? colorFor(sub), access: access as AccessMap };
    },
  };
}

/** The role `identity` has on `documentName` and whether it may write there; `undefined` for no access. */
export function accessTo(identity: Identity, documentName: string): { role: Role; canWrite: boolean } | undefined {
  const role = roleFor(identity.access, documentName);
  if (role === undefined) return undefined;
  const permissions = permissionsOf(role);
  const canWrite = parseDocumentName(documentName).isComments ? permissions.writeComments : permissions.writeContent;
  return { role, canWrite };
}

/** Signs a token for `tandem-server token` and for tests. */
export async function signToken(
  secret: string,
  claims: { sub: string; name: string; color?: string; access: AccessMap },
  expiresIn: string | number = "12h",
): Promise<string> {
  return new SignJWT({ name: claims.name, access: claims.access, ...(claims.color ? { color: claims.color } : {}) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
