// @tandem/client/headless: the parts of the client kit that need neither React nor a DOM, for programs in
// Node and for other frameworks. Everything here is also exported by the main entry.

// The comments core's text model lives in @tandem/protocol (the server resolves anchors too); re-exported for hosts.
export type {
  AnchorState,
  AnchorText,
  Proposal,
  ResolvedAnchor,
  SuggestionStatus,
  TextRange,
} from "@tandem/protocol";
export { TextIndex } from "@tandem/protocol";
export type {
  Comment,
  CommentsSnapshot,
  CommentsStore,
  CommentsStoreOptions,
  NewSuggestionInput,
  NewThreadInput,
  Reaction,
  Suggestion,
  Thread,
} from "./comments/store.js";
export { createCommentsStore } from "./comments/store.js";
export type { DocumentChange, DocumentListQuery } from "./documents/client.js";
export { DocumentsClient } from "./documents/client.js";
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
export { ACCESS_ENDED, TandemDocument } from "./provider/document.js";
export type { RestServer } from "./rest.js";
export { ShareClient } from "./sharing/client.js";
