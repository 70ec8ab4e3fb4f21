import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ShareLink } from "@tandem/persistence";
import { type AccessInfo, type ShareLinkInfo, ShareRoles } from "@tandem/protocol";
import type { AuditRecorder } from "../audit/recorder.js";
import { clientName } from "../auth/tenant-names.js";
import { DOCUMENTS_PATH } from "../http/api/document-path.js";
import { access } from "../http/api/documents.js";
import { type ApiEnv, callerAddress, jsonBody } from "../http/api/request.js";
import { refuse, unwrap } from "../http/api/respond.js";
import { errorResponses, json } from "../http/api/responses.js";
import { documentParams } from "../http/api/schemas.js";
import { fromStore } from "../http/api/store-result.js";
import type { AccessEntry, ShareLinks } from "./service.js";

/** Where the caller's own share-link endpoints live (redeeming, what is shared with them); the app authenticates them. */
export const SHARE_LINKS_PATH = "/api/share-links";

const tags = ["sharing"];
const security = [{ bearer: [] }];
const links = `${DOCUMENTS_PATH}/{name}/share-links`;

const shareRole = z.enum(ShareRoles);

const shareLink = z
  .object({
    id: z.string().openapi({ example: "sl_5f0c6a1e9b2d4c7a8e3f1b20" }),
    document: z.string(),
    role: shareRole,
    status: z.enum(["active", "revoked", "expired"]),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ShareLink");

const createdLink = z
  .object({
    link: shareLink,
    secret: z.string().openapi({
      description: "The link's secret, shown this once (only its hash is stored). Give `<page>#/s/<secret>`.",
    }),
  })
  .openapi("CreatedShareLink");

const accessEntry = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(["owner", "editor", "commenter", "viewer"]),
    via: z.enum(["link", "token"]),
    linkId: z.string().nullable(),
    since: z.string().nullable().openapi({ description: "When they first opened the link." }),
    expiresAt: z.string().nullable(),
    present: z.boolean().openapi({ description: "Whether they have the document open on this instance now." }),
  })
  .openapi("AccessEntry");

const redeemed = z
  .object({ document: z.string(), role: shareRole, expiresAt: z.string().nullable() })
  .openapi("RedeemedShareLink");

const sharedDocument = z
  .object({
    document: z.string(),
    role: shareRole,
    linkId: z.string(),
    since: z.string(),
    expiresAt: z.string().nullable(),
  })
  .openapi("SharedDocument");

const createBody = z
  .strictObject({
    role: shareRole,
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "When the link stops working by itself (ISO 8601, in the future)." }),
  })
  .openapi("CreateShareLink");

const linkParams = documentParams.extend({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, example: "sl_5f0c6a1e9b2d4c7a8e3f1b20" }),
});

const redeemBody = z.strictObject({ secret: z.string().min(1).max(200) }).openapi("RedeemShareLink");

const ownersOnly = "Needs the owner role on the document.";

const createLinkRoute = createRoute({
  method: "post",
  path: links,
  tags,
  security,
  summary: "Creates a share link granting a role on the document to whoever opens it",
  description: `${ownersOnly} The answer carries the link's secret, which is never shown again.`,
  middleware: [jsonBody()] as const,
  request: {
    params: documentParams,
    body: { content: { "application/json": { schema: createBody } }, required: true },
  },
  responses: {
    201: json(createdLink, "The link, with its secret."),
    ...errorResponses("invalid-request", "forbidden", "not-found", "payload-too-large"),
  },
});

const listLinksRoute = createRoute({
  method: "get",
  path: links,
  tags,
  security,
  summary: "The document's share links, revoked and expired ones included, oldest first",
  description: ownersOnly,
  request: { params: documentParams },
  responses: {
    200: json(z.object({ links: z.array(shareLink).readonly() }), "The links."),
    ...errorResponses("forbidden"),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: `${links}/{id}`,
  tags,
  security,
  summary: "Revokes a share link: it stops working at once, for sockets already open too",
  description: `${ownersOnly} Whoever has the document open through the link, on any instance, is disconnected from it with the close reason \`forbidden\` (4403).`,
  request: { params: linkParams },
  responses: { 204: { description: "Revoked." }, ...errorResponses("forbidden", "not-found") },
});

const accessRoute = createRoute({
  method: "get",
  path: `${DOCUMENTS_PATH}/{name}/access`,
  tags,
  security,
  summary: "Who has access: people who opened one of its links, and people who have it open now",
  description: `${ownersOnly} Tokens are not stored: someone whose token grants access is listed while they have the document open.`,
  request: { params: documentParams },
  responses: {
    200: json(z.object({ people: z.array(accessEntry).readonly() }), "One entry per person."),
    ...errorResponses("forbidden"),
  },
});

const redeemRoute = createRoute({
  method: "post",
  path: `${SHARE_LINKS_PATH}/redeem`,
  tags,
  security,
  summary: "Opens a share link: the caller gets its role on its document, on top of their token's",
  description:
    "Any authenticated caller of the link's tenant. 404 for a secret nobody made, 410 for a revoked or expired link.",
  middleware: [jsonBody()] as const,
  request: { body: { content: { "application/json": { schema: redeemBody } }, required: true } },
  responses: {
    200: json(redeemed, "The document and the role the link adds."),
    ...errorResponses("invalid-request", "not-found", "gone", "payload-too-large"),
  },
});

const sharedWithMeRoute = createRoute({
  method: "get",
  path: `${SHARE_LINKS_PATH}/shared-with-me`,
  tags,
  security,
  summary: "The documents shared with the caller through links still in force, newest first",
  responses: {
    200: json(z.object({ documents: z.array(sharedDocument).readonly() }), "The documents."),
    ...errorResponses(),
  },
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

function linkJson(link: ShareLink, now = Date.now()): ShareLinkInfo {
  const status =
    link.revokedAt !== null
      ? "revoked"
      : link.expiresAt !== null && link.expiresAt.getTime() <= now
        ? "expired"
        : "active";
  return {
    id: link.id,
    document: clientName(link.document),
    role: link.role,
    status,
    createdBy: link.createdBy,
    createdAt: link.createdAt.toISOString(),
    expiresAt: iso(link.expiresAt),
    revokedAt: iso(link.revokedAt),
  };
}

function accessJson(entry: AccessEntry): AccessInfo {
  return {
    id: entry.id,
    name: entry.name,
    role: entry.role,
    via: entry.via,
    linkId: entry.grant?.linkId ?? null,
    since: iso(entry.grant?.grantedAt ?? null),
    expiresAt: iso(entry.grant?.expiresAt ?? null),
    present: entry.present,
  };
}

/**
 * The sharing endpoints (see docs/sharing.md): links and who has access for
 * owners, redeeming for anyone. The store and the live documents know a
 * document by the server's name (`access(…).document`); answers name it as
 * the caller's tenant does.
 */
export function mountShareLinkRoutes(app: OpenAPIHono<ApiEnv>, sharing: ShareLinks, audit: AuditRecorder): void {
  app.openapi(createLinkRoute, async (c) => {
    const { name } = c.req.valid("param");
    const { document } = access(c, name, "owner");
    const { role, expiresAt } = c.req.valid("json");
    const identity = c.get("identity");
    const created = unwrap(
      await fromStore(() => sharing.create(identity, document, role, expiresAt ? new Date(expiresAt) : undefined)),
    );
    await audit.record({
      action: "share-link.created",
      actor: identity,
      document,
      from: callerAddress(c),
      details: { link: created.link.id, role, expiresAt: iso(created.link.expiresAt) },
    });
    return c.json({ link: linkJson(created.link), secret: created.secret }, 201);
  });

  app.openapi(listLinksRoute, async (c) => {
    const { name } = c.req.valid("param");
    const { document } = access(c, name, "owner");
    const listed = unwrap(await fromStore(() => sharing.list(c.get("identity"), document)));
    return c.json({ links: listed.map((link) => linkJson(link)) }, 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const { name, id } = c.req.valid("param");
    const { document } = access(c, name, "owner");
    const identity = c.get("identity");
    const revoked = unwrap(await fromStore(() => sharing.revoke(identity, document, id)));
    if (revoked === undefined) refuse("not-found", `${name} has no share link ${id}`);
    await audit.record({
      action: "share-link.revoked",
      actor: identity,
      document,
      from: callerAddress(c),
      details: { link: id },
    });
    return c.body(null, 204);
  });

  app.openapi(accessRoute, async (c) => {
    const { name } = c.req.valid("param");
    const { document } = access(c, name, "owner");
    const people = unwrap(await fromStore(() => sharing.whoHasAccess(c.get("identity"), document)));
    return c.json({ people: people.map(accessJson) }, 200);
  });

  app.openapi(redeemRoute, async (c) => {
    const identity = c.get("identity");
    const { secret } = c.req.valid("json");
    const redemption = unwrap(await fromStore(() => sharing.redeem(identity, secret)));
    if (!redemption.ok) {
      if (redemption.reason === "unknown") refuse("not-found", "no such share link");
      refuse("gone", redemption.reason === "revoked" ? "this share link was revoked" : "this share link has expired");
    }
    const { link } = redemption;
    await audit.record({
      action: "share-link.used",
      actor: identity,
      document: link.document,
      from: callerAddress(c),
      details: { link: link.id, role: link.role },
    });
    return c.json({ document: clientName(link.document), role: link.role, expiresAt: iso(link.expiresAt) }, 200);
  });

  app.openapi(sharedWithMeRoute, async (c) => {
    const grants = unwrap(await fromStore(() => sharing.sharedWith(c.get("identity"))));
    const documents = grants.map((grant) => ({
      document: clientName(grant.document),
      role: grant.role,
      linkId: grant.linkId,
      since: grant.grantedAt.toISOString(),
      expiresAt: iso(grant.expiresAt),
    }));
    return c.json({ documents }, 200);
  });
}
