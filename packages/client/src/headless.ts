// @tandem/client/headless: the parts of the client kit that need neither React nor a DOM, for programs in
// Node and for other frameworks. Everything here is also exported by the main entry.

export type { AnchorState, AnchorText, ResolvedAnchor, TextRange } from "./comments/anchors.js";
export type {
  Comment,
  CommentsSnapshot,
  CommentsStore,
  CommentsStoreOptions,
  NewThreadInput,
  Reaction,
  Thread,
} from "./comments/store.js";
export { createCommentsStore } from "./comments/store.js";
export { collapseWhitespace, TextIndex } from "./comments/text-index.js";
export type { TandemClientErrorCode } from "./errors.js";
export { isTandemClientError, TandemClientError } from "./errors.js";
export type { TandemUser, TandemUserInput } from "./identity.js";
export { resolveUser, userFromToken } from "./identity.js";
export type { Observable } from "./observable.js";
export type { Peer, PresenceOptions, PresenceSnapshot } from "./presence/tracker.js";
export { DEFAULT_IDLE_AFTER_MS, PresenceTracker } from "./presence/tracker.js";
export type {
  ConnectionPhase,
  ConnectionState,
  DocumentLease,
  TandemConnectionOptions,
} from "./provider/connection.js";
export { TandemConnection } from "./provider/connection.js";
export type { Access, DocumentState, DocumentUi, SyncState } from "./provider/document.js";
export { TandemDocument } from "./provider/document.js";
