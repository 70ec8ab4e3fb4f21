// @tandem/client: React components and headless building blocks for Tandem.
// Import the styles once: `import "@tandem/client/styles.css";`
// The headless part is its own hand-picked list (./headless.ts, also the @tandem/client/headless entry),
// re-exported name by name; this entry adds the React components on top.

export { isSafeLinkHref, SAFE_LINK_PROTOCOLS } from "@tandem/content";
export type { CommentsSidebarProps } from "./comments/CommentsSidebar.js";
export { CommentsSidebar } from "./comments/CommentsSidebar.js";
export type { CommentHighlightsOptions } from "./comments/highlights.js";
export { CommentHighlights } from "./comments/highlights.js";
export { mentionsIn } from "./comments/mentions.js";
export type { ThreadFilter, ThreadSort, UseThreadsOptions } from "./comments/useThreads.js";
export { selectThreads, useThreads } from "./comments/useThreads.js";
export type { CollaborativeEditorProps } from "./editor/CollaborativeEditor.js";
export { CollaborativeEditor } from "./editor/CollaborativeEditor.js";
export type { TandemExtensionsOptions } from "./editor/extensions.js";
export { tandemExtensions } from "./editor/extensions.js";
export { hrefFromInput } from "./editor/links.js";
export type { SuggestingModeOptions } from "./editor/suggesting.js";
export { SuggestingMode } from "./editor/suggesting.js";
export type { ToolbarProps } from "./editor/Toolbar.js";
export { Toolbar } from "./editor/Toolbar.js";
export type {
  Access,
  AnchorState,
  AnchorText,
  Comment,
  CommentsSnapshot,
  CommentsStore,
  CommentsStoreOptions,
  ConnectionPhase,
  ConnectionState,
  DocumentChange,
  DocumentLease,
  DocumentListQuery,
  DocumentState,
  DocumentUi,
  NewSuggestionInput,
  NewThreadInput,
  Observable,
  Peer,
  PresenceOptions,
  PresenceSnapshot,
  Proposal,
  Reaction,
  ResolvedAnchor,
  RestServer,
  Suggestion,
  SuggestionStatus,
  SyncState,
  TandemClientErrorCode,
  TandemConnectionOptions,
  TandemUser,
  TandemUserInput,
  TextRange,
  Thread,
} from "./headless.js";
export {
  ACCESS_ENDED,
  createCommentsStore,
  DEFAULT_IDLE_AFTER_MS,
  DocumentsClient,
  isTandemClientError,
  PresenceTracker,
  resolveUser,
  ShareClient,
  TandemClientError,
  TandemConnection,
  TandemDocument,
  TextIndex,
  userFromToken,
} from "./headless.js";
export type { AuthorsById } from "./history/ContentView.js";
export { ContentView } from "./history/ContentView.js";
export { HistoryClient } from "./history/client.js";
export type { HistoryPanelProps } from "./history/HistoryPanel.js";
export { HistoryPanel } from "./history/HistoryPanel.js";
export type { Loaded } from "./history/useHistory.js";
export {
  useAuthorship,
  useDiff,
  useHistoryClient,
  useVersionContent,
  useVersions,
} from "./history/useHistory.js";
export { InboxClient } from "./inbox/client.js";
export type { InboxProps } from "./inbox/Inbox.js";
export { describeNotification, Inbox } from "./inbox/Inbox.js";
export type { FollowingState } from "./inbox/useFollowing.js";
export { useFollowing } from "./inbox/useFollowing.js";
export type { InboxState } from "./inbox/useInbox.js";
export { useInbox } from "./inbox/useInbox.js";
export type { PresenceAvatarsProps } from "./presence/PresenceAvatars.js";
export { PresenceAvatars } from "./presence/PresenceAvatars.js";
export { usePresence } from "./presence/usePresence.js";
export type { LocalDataScope } from "./provider/local-copy.js";
export { clearLocalData } from "./provider/local-copy.js";
export type { BackoffOptions } from "./provider/reconnect-policy.js";
export { DEFAULT_BACKOFF } from "./provider/reconnect-policy.js";
export type { TandemProviderProps } from "./provider/TandemProvider.js";
export { TandemProvider, useTandemConnection, useTandemDocument } from "./provider/TandemProvider.js";
export { copyText } from "./sharing/copy.js";
export type { SharePanelProps } from "./sharing/SharePanel.js";
export { SharePanel } from "./sharing/SharePanel.js";
export type { SharingState } from "./sharing/useSharing.js";
export { useShareClient, useSharing } from "./sharing/useSharing.js";
export type { ConnectionStatusProps } from "./status/ConnectionStatus.js";
export { ConnectionStatus } from "./status/ConnectionStatus.js";
export type { ConnectionStatusValue, StatusKind } from "./status/derive.js";
export { deriveStatus } from "./status/derive.js";
export { useUnsavedChangesWarning } from "./status/unsaved-changes.js";
export { useConnectionStatus } from "./status/useConnectionStatus.js";
