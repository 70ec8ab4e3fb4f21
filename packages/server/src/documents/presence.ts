import type { Hocuspocus } from "@hocuspocus/server";
import { isUserColor, type PresentUser } from "@tandem/protocol";

function userOf(state: unknown): PresentUser | undefined {
  const user = (state as { user?: unknown } | null)?.user as Partial<PresentUser> | undefined;
  if (typeof user?.id !== "string" || typeof user.name !== "string" || !isUserColor(user.color)) return undefined;
  const person = { id: user.id, name: user.name, color: user.color };
  return user.program === true ? { ...person, program: true } : person;
}

/**
 * Who has `documentName` open, from the awareness of the live document on
 * this instance (with Redis scale-out, awareness from other instances is
 * relayed into it). The `user` of each state was stamped by the server from
 * the connection's token, so it is who they are, not who they claim to be.
 * One entry per person, however many tabs they have open.
 */
export function presentIn(hocuspocus: Hocuspocus, documentName: string): PresentUser[] {
  const document = hocuspocus.documents.get(documentName);
  if (!document) return [];
  const people = new Map<string, PresentUser>();
  for (const state of document.awareness.getStates().values()) {
    const user = userOf(state);
    if (user && !people.has(user.id)) people.set(user.id, user);
  }
  return [...people.values()];
}
