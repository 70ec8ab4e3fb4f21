export type { CloseCode, CloseCodeName, RetryPolicy } from "./close-codes.js";
export { CloseCodes, closeCodeFor } from "./close-codes.js";
export type { ChangeMatch } from "./comments/accepted-change.js";
export { matchAcceptedChange, readAcceptedChange } from "./comments/accepted-change.js";
export type { AnchorState, AnchorText, ResolvedAnchor, TextRange } from "./comments/anchors.js";
export { anchorFor, CONTEXT_LENGTH, pointAnchorFor, resolveAnchor } from "./comments/anchors.js";
export { applyProposal, proposalChange } from "./comments/apply-proposal.js";
export type { AcceptedSuggestion, CommentsUpdateVerdict, CommentsWriter } from "./comments/check-update.js";
export { checkCommentsUpdate } from "./comments/check-update.js";
export type {
  AnchorPositions,
  CommentData,
  NewComment,
  NewThread,
  PersonData,
  ThreadData,
} from "./comments/model.js";
export {
  AUTHOR_EDITABLE_COMMENT_FIELDS,
  addThread,
  CommentFields,
  CommentLimits,
  CommentsRoots,
  checkCommentBody,
  commentsOf,
  createCommentMap,
  createThreadMap,
  decodeAnchor,
  encodeAnchor,
  isPersonColor,
  MUTABLE_THREAD_FIELDS,
  peopleOf,
  readComment,
  readThread,
  recordPerson,
  ThreadFields,
  threadsOf,
} from "./comments/model.js";
export type {
  NewSuggestion,
  Proposal,
  SuggestionActor,
  SuggestionData,
  SuggestionErrorCode,
  SuggestionKind,
  SuggestionOutcome,
  SuggestionStatus,
} from "./comments/suggestions.js";
export {
  acceptSuggestion,
  isSuggestionStatus,
  locateSuggestion,
  parseProposal,
  proposeSuggestion,
  readSuggestion,
  rejectSuggestion,
  reviseSuggestion,
  SuggestionKinds,
  SuggestionStatuses,
  withdrawSuggestion,
} from "./comments/suggestions.js";
export { collapseWhitespace, TextIndex } from "./comments/text-index.js";
export {
  COMMENTS_SUFFIX,
  commentsDocumentName,
  isValidDocumentName,
  MAX_DOCUMENT_NAME_LENGTH,
  parseDocumentName,
} from "./document-names.js";
export type {
  ApiErrorBody,
  DocumentKind,
  DocumentMeta,
  DocumentPage,
  DocumentSummary,
  PresentUser,
  SessionInfo,
  SpecPriority,
  SpecStatus,
} from "./documents.js";
export {
  contributorsText,
  DocumentFields,
  DocumentKinds,
  documentKindOf,
  documentMetaFrom,
  isCalendarDate,
  isDocumentKind,
  isSpecPriority,
  isSpecStatus,
  listTitle,
  MAX_CONTRIBUTORS,
  MAX_OWNER_LENGTH,
  MAX_TITLE_LENGTH,
  metaFieldsOf,
  PLACEHOLDER_ATTRIBUTE,
  SpecPriorities,
  SpecStatuses,
} from "./documents.js";
export type {
  AttributeChange,
  AuthorChanges,
  ChangeKind,
  ContentMark,
  ContentNode,
  ContentText,
  DocumentAuthorship,
  DocumentDiff,
  HistoryAuthor,
  HistoryChangeResult,
  VersionContent,
  VersionKind,
  VersionList,
  VersionSummary,
} from "./history.js";
export type {
  InboxEmailMode,
  InboxNotification,
  InboxNotificationKind,
  InboxPage,
  InboxSettings,
} from "./inbox.js";
export type { Permissions, Role } from "./roles.js";
export { isRole, permissionsOf, Roles } from "./roles.js";
export type {
  AccessInfo,
  CreatedShareLink,
  RedeemedShareLink,
  SharedDocument,
  ShareLinkInfo,
  ShareLinkStatus,
  ShareRole,
} from "./sharing.js";
export { SHARE_LINK_ROUTE, ShareRoles, shareLinkUrl, shareSecretIn } from "./sharing.js";
export { defaultUserColor, isUserColor, userColorOf } from "./users.js";
